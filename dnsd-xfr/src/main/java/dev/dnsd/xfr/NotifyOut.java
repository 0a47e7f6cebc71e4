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
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * NOTIFY out (RFC 1996): after every commit that changes a zone, tells the zone's configured
 * secondaries over UDP, and retries with growing intervals until each answers. A newer NOTIFY
 * for the same zone and secondary replaces one still unanswered. Answers come back on one
 * socket, read by one thread.
 *
 * <p>A NOTIFY to a target with a key is signed (RFC 8945), afresh at each attempt so that its
 * time stays within the fudge, and only an answer signed with that key over one of those
 * attempts' MACs counts: a secondary that requires the key answers so, and anything else (an
 * unsigned or forged answer) leaves the NOTIFY to be retried.
 */
final class NotifyOut implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyOut.class);
  /** At most one warning a minute about answers that failed the TSIG check; the rest at debug. */
  private static final Duration WARN_EVERY = Duration.ofMinutes(1);

  /** A secondary to notify, and the key to sign with (none: unsigned). */
  record Target(InetSocketAddress address, @Nullable TsigKey key) {}

  private final Function<Name, List<Target>> targets;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Duration firstRetry;
  private final int maxAttempts;
  private final DatagramSocket socket;
  private final Thread reader;
  private final SecureRandom random = new SecureRandom();
  private final Map<Key, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong lastWarned = new AtomicLong(Long.MIN_VALUE);
  private final XfrStatistics stats;
  private volatile boolean closed;

  private record Key(Name zone, InetSocketAddress secondary) {}

  private final class Pending {
    final Key key;
    final @Nullable TsigKey tsigKey;
    final int id;
    final SOARecord soa;
    /** The TSIG record of each signed attempt: an answer may come to any of them. */
    final List<TSIGRecord> signed = new CopyOnWriteArrayList<>();
    int attempts;
    @Nullable ScheduledFuture<?> retry;

    Pending(Key key, @Nullable TsigKey tsigKey, int id, SOARecord soa) {
      this.key = key;
      this.tsigKey = tsigKey;
      this.id = id;
      this.soa = soa;
    }

    byte[] wire() {
      Message m = new Message(id);
      m.getHeader().setOpcode(Opcode.NOTIFY);
      m.getHeader().setFlag(Flags.AA);
      m.addRecord(Record.newRecord(soa.getName(), Type.SOA, DClass.IN), Section.QUESTION);
      m.addRecord(soa, Section.ANSWER); // the new serial as a hint (RFC 1996 §3.7)
      if (tsigKey == null) {
        return m.toWire();
      }
      Tsig.SignedRequest request = Tsig.signRequest(m, tsigKey, clock);
      signed.add(request.tsig());
      return request.wire();
    }
  }

  /**
   * @param targets the secondaries to notify of a change of a zone, with their keys
   */
  NotifyOut(
      Function<Name, List<Target>> targets,
      ScheduledExecutorService scheduler,
      Clock clock,
      Duration firstRetry,
      int maxAttempts,
      XfrStatistics stats)
      throws SocketException {
    this.stats = stats;
    this.targets = targets;
    this.scheduler = scheduler;
    this.clock = clock;
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
      SOARecord soa = zc.newSoa();
      if (soa == null) {
        continue;
      }
      for (Target target : targets.apply(zc.origin())) {
        notify(soa, target);
      }
    }
  }

  /** Starts notifying a secondary of the zone's new SOA; returns at once. */
  void notify(SOARecord soa, Target target) {
    Key key = new Key(soa.getName(), target.address());
    Pending p = new Pending(key, target.key(), random.nextInt(0x10000), soa);
    stats.notifying(key.zone(), key.secondary(), soa.getSerial());
    Pending old = pending.put(key, p);
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
      if (closed || pending.get(p.key) != p) {
        return;
      }
      p.attempts++;
      try {
        byte[] wire = p.wire();
        socket.send(new DatagramPacket(wire, wire.length, p.key.secondary()));
        stats.notifyOut.increment();
      } catch (IOException e) {
        log.warn("NOTIFY for {} to {} could not be sent: {}", p.key.zone(), p.key.secondary(), e.toString());
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
    if (pending.remove(p.key, p)) {
      stats.answered(p.key.zone(), p.key.secondary(), false);
      log.warn("{} did not answer NOTIFY for {} after {} attempts; it will find the change at its"
          + " next SOA refresh", p.key.secondary(), p.key.zone(), p.attempts);
    }
  }

  private void readAnswers() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        byte[] wire = Arrays.copyOf(buffer, packet.getLength());
        answered(new Message(wire), wire, (InetSocketAddress) packet.getSocketAddress());
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          log.debug("ignoring a bad NOTIFY answer: {}", e.toString());
        }
      }
    }
  }

  private void answered(Message answer, byte[] wire, InetSocketAddress from) {
    Record question = answer.getQuestion();
    if (!answer.getHeader().getFlag(Flags.QR) || answer.getHeader().getOpcode() != Opcode.NOTIFY
        || question == null) {
      return;
    }
    Key key = new Key(question.getName(), from);
    Pending p = pending.get(key);
    if (p == null || p.id != answer.getHeader().getID()) {
      return;
    }
    if (p.tsigKey != null && !signedByTarget(p, wire)) {
      badlySigned(from, key.zone(), answer.getTSIG() == null ? "unsigned" : "failed the TSIG check");
      return;
    }
    if (pending.remove(key, p)) {
      cancel(p);
      int rcode = answer.getRcode();
      stats.answered(key.zone(), key.secondary(), rcode == Rcode.NOERROR);
      if (rcode != Rcode.NOERROR) {
        log.warn("{} answered NOTIFY for {} with {}", from, key.zone(), Rcode.string(rcode));
      }
    }
  }

  private boolean signedByTarget(Pending p, byte[] wire) {
    for (TSIGRecord request : p.signed) {
      if (Tsig.verifiesResponse(wire, request, p.tsigKey, clock)) {
        return true;
      }
    }
    return false;
  }

  /** An answer that does not count; said once a minute at most, since anyone can send them. */
  private void badlySigned(InetSocketAddress from, Name zone, String why) {
    long now = clock.millis();
    long last = lastWarned.get();
    if ((last == Long.MIN_VALUE || now - last >= WARN_EVERY.toMillis()) && lastWarned.compareAndSet(last, now)) {
      log.warn("an answer from {} to a signed NOTIFY for {} was {}: not taken, the NOTIFY is retried"
          + " (more such answers are logged at debug for a minute)", from, zone, why);
    } else {
      log.debug("an answer from {} to a signed NOTIFY for {} was {}: not taken", from, zone, why);
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
