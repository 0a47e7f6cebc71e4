package dev.dnsd.xfr;

import dev.dnsd.store.Change;
import dev.dnsd.store.ZoneChange;
import dev.dnsd.zone.ZoneTable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * NOTIFY out (RFC 1996): after every commit that changes a zone, tells the zone's configured
 * secondaries over UDP, and retries with growing intervals until each answers. A newer NOTIFY
 * for the same zone and secondary replaces one still unanswered. Answers come back on one
 * socket, read by one thread.
 */
final class NotifyOut implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyOut.class);

  private final Map<Name, List<InetSocketAddress>> targets;
  private final ScheduledExecutorService scheduler;
  private final Duration firstRetry;
  private final int maxAttempts;
  private final DatagramSocket socket;
  private final Thread reader;
  private final SecureRandom random = new SecureRandom();
  private final Map<Target, Pending> pending = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private record Target(Name zone, InetSocketAddress secondary) {}

  private final class Pending {
    final Target target;
    final int id;
    final byte[] wire;
    int attempts;
    @Nullable ScheduledFuture<?> retry;

    Pending(Target target, int id, byte[] wire) {
      this.target = target;
      this.id = id;
      this.wire = wire;
    }
  }

  NotifyOut(
      Map<Name, List<InetSocketAddress>> targets,
      ScheduledExecutorService scheduler,
      Duration firstRetry,
      int maxAttempts)
      throws SocketException {
    this.targets = targets;
    this.scheduler = scheduler;
    this.firstRetry = firstRetry;
    this.maxAttempts = maxAttempts;
    this.socket = new DatagramSocket();
    this.reader = new Thread(this::readAnswers, "dnsd-notify-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Runs on the committing thread, so it only hands the NOTIFYs to the scheduler. */
  void committed(Change change, ZoneTable after) {
    for (ZoneChange zc : change.zones()) {
      List<InetSocketAddress> secondaries = targets.get(zc.origin());
      SOARecord soa = zc.newSoa();
      if (secondaries == null || soa == null) {
        continue;
      }
      for (InetSocketAddress secondary : secondaries) {
        notify(soa, secondary);
      }
    }
  }

  /** Starts notifying a secondary of the zone's new SOA; returns at once. */
  void notify(SOARecord soa, InetSocketAddress secondary) {
    Target target = new Target(soa.getName(), secondary);
    int id = random.nextInt(0x10000);
    Message m = new Message(id);
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(soa.getName(), Type.SOA, DClass.IN), Section.QUESTION);
    m.addRecord(soa, Section.ANSWER); // the new serial as a hint (RFC 1996 §3.7)
    Pending p = new Pending(target, id, m.toWire());
    Pending old = pending.put(target, p);
    if (old != null) {
      cancel(old);
    }
    scheduler.execute(() -> attempt(p));
  }

  /** How many NOTIFYs are still waiting for an answer. */
  int unanswered() {
    return pending.size();
  }

  private void attempt(Pending p) {
    synchronized (p) {
      if (closed || pending.get(p.target) != p) {
        return;
      }
      p.attempts++;
      try {
        socket.send(new DatagramPacket(p.wire, p.wire.length, p.target.secondary()));
      } catch (IOException e) {
        log.warn("NOTIFY for {} to {} could not be sent: {}", p.target.zone(), p.target.secondary(), e.toString());
      }
      if (p.attempts >= maxAttempts) {
        // The last attempt still gets its interval to be answered; then it is given up.
        p.retry = scheduler.schedule(() -> giveUp(p), delay(p.attempts).toMillis(), TimeUnit.MILLISECONDS);
      } else {
        p.retry = scheduler.schedule(() -> attempt(p), delay(p.attempts).toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private Duration delay(int attempts) {
    return firstRetry.multipliedBy(1L << Math.min(attempts - 1, 6));
  }

  private void giveUp(Pending p) {
    if (pending.remove(p.target, p)) {
      log.warn("{} did not answer NOTIFY for {} after {} attempts; it will find the change at its"
          + " next SOA refresh", p.target.secondary(), p.target.zone(), p.attempts);
    }
  }

  private void readAnswers() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        answered(new Message(Arrays.copyOf(buffer, packet.getLength())), (InetSocketAddress) packet.getSocketAddress());
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          log.debug("ignoring a bad NOTIFY answer: {}", e.toString());
        }
      }
    }
  }

  private void answered(Message answer, InetSocketAddress from) {
    Record question = answer.getQuestion();
    if (!answer.getHeader().getFlag(Flags.QR) || answer.getHeader().getOpcode() != Opcode.NOTIFY
        || question == null) {
      return;
    }
    Target target = new Target(question.getName(), from);
    Pending p = pending.get(target);
    if (p == null || p.id != answer.getHeader().getID()) {
      return;
    }
    if (pending.remove(target, p)) {
      cancel(p);
      int rcode = answer.getRcode();
      if (rcode != Rcode.NOERROR) {
        log.warn("{} answered NOTIFY for {} with {}", from, target.zone(), Rcode.string(rcode));
      }
    }
  }

  private static void cancel(Pending p) {
    synchronized (p) {
      if (p.retry != null) {
        p.retry.cancel(false);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    socket.close();
    pending.values().forEach(NotifyOut::cancel);
    pending.clear();
    try {
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
