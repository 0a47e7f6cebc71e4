package dev.dnsd.netty;

import dev.dnsd.Replier;
import dev.dnsd.internal.QueryHandler;
import dev.dnsd.internal.Responder;
import dev.dnsd.internal.ResponderConfig;
import dev.dnsd.store.ChangeSet;
import dev.dnsd.store.InMemoryRecordStore;
import dev.dnsd.zone.Zone;
import dev.dnsd.zone.ZoneFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.xbill.DNS.Message;

/**
 * Experiment: the responder behind Netty's epoll datagram channel, one SO_REUSEPORT socket and
 * event loop per thread, reading up to 64 datagrams per recvmmsg and flushing the answers of a
 * read batch with one sendmmsg. UDP only.
 *
 * <pre>java -jar dnsd-netty.jar ZONES_DIR HOST PORT THREADS</pre>
 */
public final class EpollServe {
  private static final int BATCH = Integer.getInteger("dnsd.batch", 64);
  private static final int MAX_DATAGRAM = 4096;

  private EpollServe() {}

  public static void main(String[] args) throws Exception {
    InMemoryRecordStore store = new InMemoryRecordStore();
    ChangeSet.Builder changes = ChangeSet.builder();
    for (Zone zone : ZoneFiles.loadDirectory(Path.of(args[0]))) {
      changes.replaceZone(zone);
    }
    store.commit(changes.build());
    Responder responder = new Responder(store::zones, ResponderConfig.defaults());
    int threads = Integer.parseInt(args[3]);
    InetSocketAddress address = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    EpollEventLoopGroup group = new EpollEventLoopGroup(threads);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(EpollDatagramChannel.class)
            .option(EpollChannelOption.SO_REUSEPORT, true)
            .option(ChannelOption.SO_RCVBUF, 4 << 20)
            .option(ChannelOption.MAX_MESSAGES_PER_READ, Integer.getInteger("dnsd.reads", 16))
            .handler(new Handler(responder));
    if (BATCH > 1) {
      bootstrap
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * BATCH));
    } else {
      bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    }
    for (int i = 0; i < threads; i++) {
      bootstrap.bind(address).sync();
    }
    System.out.println("dnsd-netty listening on " + address + " with " + threads + " epoll threads");
    Thread.currentThread().join();
  }

  /** Shared by the channels, so its state is per thread. */
  @io.netty.channel.ChannelHandler.Sharable
  static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final ThreadLocal<QueryHandler.Worker> workers;
    private final ThreadLocal<byte[][]> buffers = ThreadLocal.withInitial(() -> new byte[][] {new byte[65535], new byte[65535]});

    Handler(Responder responder) {
      this.workers = ThreadLocal.withInitial(responder::worker);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      byte[][] b = buffers.get();
      ByteBuf content = packet.content();
      int length = content.readableBytes();
      content.getBytes(content.readerIndex(), b[0], 0, length);
      int n = workers.get().respond(b[0], length, packet.sender(), false, NO_REPLIER, b[1]);
      if (n >= 0) {
        ByteBuf out = ctx.alloc().directBuffer(n);
        out.writeBytes(b[1], 0, n);
        ctx.write(new DatagramPacket(out, packet.sender()));
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }

  private static final Replier NO_REPLIER =
      new Replier() {
        @Override
        public void send(byte[] wire) {}

        @Override
        public void send(Message message) {}
      };

  static List<String> usage() {
    return List.of("java -jar dnsd-netty.jar ZONES_DIR HOST PORT THREADS");
  }
}
