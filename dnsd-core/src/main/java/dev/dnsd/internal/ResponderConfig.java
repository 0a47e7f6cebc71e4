package dev.dnsd.internal;

import dev.dnsd.ServerExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * What a {@link Responder} is told by its server.
 *
 * @param maxUdpPayload the UDP payload size advertised in EDNS and the most sent over UDP (512 to
 *     65535; 1232 by default, which avoids IP fragmentation on common paths)
 * @param chaosTxt the class CH TXT names answered, with their text; a name not here is refused
 * @param nsid the name server identifier returned to clients asking for it (RFC 5001), or null
 * @param extensions offered what the responder does not answer itself, in order
 * @param answerCacheBytes the memory the cache of encoded answers may take (0 turns the cache
 *     off; else at least 64 KiB; 8 MiB by default)
 */
public record ResponderConfig(
    int maxUdpPayload,
    Map<Name, String> chaosTxt,
    byte @Nullable [] nsid,
    List<ServerExtension> extensions,
    long answerCacheBytes) {

  public static final int DEFAULT_MAX_UDP_PAYLOAD = 1232;
  public static final long DEFAULT_ANSWER_CACHE_BYTES = 8L << 20;
  public static final long MIN_ANSWER_CACHE_BYTES = 64L << 10;
  public static final String VERSION = "dnsd " + dev.dnsd.DnsServer.VERSION;

  public ResponderConfig {
    if (maxUdpPayload < 512 || maxUdpPayload > 65535) {
      throw new IllegalArgumentException("maxUdpPayload must be 512..65535, was " + maxUdpPayload);
    }
    if (nsid != null && nsid.length > 65535) {
      throw new IllegalArgumentException("nsid longer than an EDNS option can carry: " + nsid.length);
    }
    chaosTxt = Map.copyOf(chaosTxt);
    checkAnswerCacheBytes(answerCacheBytes);
    nsid = nsid == null ? null : nsid.clone();
    extensions = List.copyOf(extensions);
  }

  /** Refuses a cache budget that is neither 0 (off) nor at least 64 KiB. */
  public static void checkAnswerCacheBytes(long bytes) {
    if (bytes != 0 && bytes < MIN_ANSWER_CACHE_BYTES) {
      throw new IllegalArgumentException(
          "answerCacheBytes must be 0 (off) or at least " + MIN_ANSWER_CACHE_BYTES + ", was " + bytes);
    }
  }

  /** With the default answer cache. */
  public ResponderConfig(
      int maxUdpPayload, Map<Name, String> chaosTxt, byte @Nullable [] nsid, List<ServerExtension> extensions) {
    this(maxUdpPayload, chaosTxt, nsid, extensions, DEFAULT_ANSWER_CACHE_BYTES);
  }

  /** 1232 bytes, the version under {@code version.dnsd.} and {@code version.bind.}, no NSID. */
  public static ResponderConfig defaults() {
    return new ResponderConfig(
        DEFAULT_MAX_UDP_PAYLOAD,
        Map.of(name("version.dnsd."), VERSION, name("version.bind."), VERSION),
        null,
        List.of());
  }

  @Override
  public byte @Nullable [] nsid() {
    return nsid == null ? null : nsid.clone();
  }

  public ResponderConfig withMaxUdpPayload(int bytes) {
    return new ResponderConfig(bytes, chaosTxt, nsid, extensions, answerCacheBytes);
  }

  /** Answers a CH TXT name with the text, or (null) stops answering it. */
  public ResponderConfig withChaosTxt(Name name, @Nullable String text) {
    Map<Name, String> copy = new HashMap<>(chaosTxt);
    if (text == null) {
      copy.remove(name);
    } else {
      copy.put(name, text);
    }
    return new ResponderConfig(maxUdpPayload, copy, nsid, extensions, answerCacheBytes);
  }

  public ResponderConfig withNsid(byte @Nullable [] id) {
    return new ResponderConfig(maxUdpPayload, chaosTxt, id, extensions, answerCacheBytes);
  }

  public ResponderConfig withExtensions(List<ServerExtension> list) {
    return new ResponderConfig(maxUdpPayload, chaosTxt, nsid, list, answerCacheBytes);
  }

  /** The answer cache's memory budget; 0 turns it off. */
  public ResponderConfig withAnswerCacheBytes(long bytes) {
    return new ResponderConfig(maxUdpPayload, chaosTxt, nsid, extensions, bytes);
  }

  private static Name name(String text) {
    return Name.fromConstantString(text);
  }
}
