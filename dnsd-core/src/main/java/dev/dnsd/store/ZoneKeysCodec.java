package dev.dnsd.store;

import dev.dnsd.dnssec.DnssecAlgorithm;
import dev.dnsd.dnssec.DnssecPolicy;
import dev.dnsd.dnssec.KeyRole;
import dev.dnsd.dnssec.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * The stored form of a zone's {@link ZoneKeys}: lines of text, versioned by the first, the keys in
 * BIND's file formats (base64 on one line each). It holds private keys: stores keep it where only
 * their owner reads, and nothing logs it.
 *
 * <pre>
 * dnsd-dnssec 1
 * policy algorithm=13 keys=CSK denial=NSEC validity=1209600 ...
 * key role=CSK publish=1767225600 published=1767225600 active=1767225600 leaving=0 ...
 * dnskey BASE64-OF-THE-.key-FILE
 * private BASE64-OF-THE-.private-FILE
 * </pre>
 */
final class ZoneKeysCodec {
  private static final String MAGIC = "dnsd-dnssec 1";
  private static final String NONE = "-";

  private ZoneKeysCodec() {}

  static String encode(ZoneKeys keys) {
    StringBuilder out = new StringBuilder(MAGIC).append('\n');
    DnssecPolicy p = keys.policy();
    out.append("policy")
        .append(" algorithm=").append(p.algorithm().number())
        .append(" keys=").append(p.keys())
        .append(" denial=").append(p.denial())
        .append(" validity=").append(p.signatureValidity().getSeconds())
        .append(" refresh=").append(p.signatureRefresh().getSeconds())
        .append(" jitter=").append(p.signatureJitter().getSeconds())
        .append(" inception=").append(p.inceptionOffset().getSeconds())
        .append(" dnskey-ttl=").append(p.dnskeyTtl().getSeconds())
        .append(" zsk-lifetime=").append(seconds(p.zskLifetime()))
        .append(" propagation=").append(p.propagationDelay().getSeconds())
        .append(" parent-ds-ttl=").append(p.parentDsTtl().getSeconds())
        .append(" ds-wait=").append(seconds(p.dsWait()))
        .append(" resign-batch=").append(p.resignBatch())
        .append('\n');
    for (ZoneKeys.Key k : keys.keys) {
      out.append("key role=").append(k.role())
          .append(" publish=").append(k.publish().getEpochSecond())
          .append(" published=").append(time(k.published()))
          .append(" active=").append(k.active().getEpochSecond())
          .append(" leaving=").append(k.leaving() ? 1 : 0)
          .append(" confirmed=").append(time(k.confirmed()))
          .append(" clean=").append(time(k.clean()))
          .append(" remove=").append(time(k.remove()))
          .append('\n');
      out.append("dnskey ").append(base64(k.key().bindKeyFile())).append('\n');
      out.append("private ").append(base64(k.key().bindPrivateFile())).append('\n');
    }
    return out.toString();
  }

  /**
   * @throws IllegalArgumentException saying what is wrong, without the text (it holds keys)
   */
  static ZoneKeys decode(Name origin, String text) {
    String[] lines = text.split("\n");
    if (lines.length < 2 || !lines[0].equals(MAGIC)) {
      throw new IllegalArgumentException("the DNSSEC state of " + origin + " is not in a format this dnsd reads");
    }
    Map<String, String> p = fields(lines[1], "policy");
    DnssecPolicy policy;
    try {
      policy = new DnssecPolicy(
          DnssecAlgorithm.of(Integer.parseInt(p.get("algorithm"))),
          DnssecPolicy.KeyScheme.valueOf(p.get("keys")),
          DnssecPolicy.Denial.valueOf(p.get("denial")),
          duration(p, "validity"), duration(p, "refresh"), duration(p, "jitter"), duration(p, "inception"),
          duration(p, "dnskey-ttl"), optionalDuration(p, "zsk-lifetime"), duration(p, "propagation"),
          duration(p, "parent-ds-ttl"), optionalDuration(p, "ds-wait"), Integer.parseInt(p.get("resign-batch")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the DNSSEC policy of " + origin + " does not read: " + e.getMessage(), e);
    }
    List<ZoneKeys.Key> keys = new ArrayList<>();
    for (int i = 2; i < lines.length; i += 3) {
      if (i + 2 >= lines.length) {
        throw new IllegalArgumentException("the DNSSEC state of " + origin + " ends inside a key");
      }
      Map<String, String> k = fields(lines[i], "key");
      String dnskey = value(lines[i + 1], "dnskey");
      String priv = value(lines[i + 2], "private");
      SigningKey key;
      try {
        key = SigningKey.fromBind(unbase64(dnskey), unbase64(priv));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a DNSSEC key of " + origin + " does not read: " + e.getMessage(), e);
      }
      keys.add(new ZoneKeys.Key(
          key, KeyRole.valueOf(k.get("role")), instant(k.get("publish")), optionalInstant(k.get("published")),
          instant(k.get("active")), "1".equals(k.get("leaving")), optionalInstant(k.get("confirmed")),
          optionalInstant(k.get("clean")), optionalInstant(k.get("remove"))));
    }
    return new ZoneKeys(origin, policy, keys, ZoneKeys.Sweep.FRESH);
  }

  private static Map<String, String> fields(String line, String kind) {
    String[] parts = line.split(" ");
    if (!parts[0].equals(kind)) {
      throw new IllegalArgumentException("expected a " + kind + " line in a zone's DNSSEC state");
    }
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0) {
        out.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
      }
    }
    return out;
  }

  private static String value(String line, String kind) {
    if (!line.startsWith(kind + " ")) {
      throw new IllegalArgumentException("expected a " + kind + " line in a zone's DNSSEC state");
    }
    return line.substring(kind.length() + 1);
  }

  private static String seconds(@Nullable Duration d) {
    return d == null ? NONE : Long.toString(d.getSeconds());
  }

  private static String time(@Nullable Instant t) {
    return t == null ? NONE : Long.toString(t.getEpochSecond());
  }

  private static Duration duration(Map<String, String> p, String key) {
    String v = p.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no " + key);
    }
    return Duration.ofSeconds(Long.parseLong(v));
  }

  private static @Nullable Duration optionalDuration(Map<String, String> p, String key) {
    String v = p.get(key);
    return v == null || v.equals(NONE) ? null : Duration.ofSeconds(Long.parseLong(v));
  }

  private static Instant instant(@Nullable String v) {
    if (v == null || v.equals(NONE)) {
      throw new IllegalArgumentException("a key lacks a time it must have");
    }
    return Instant.ofEpochSecond(Long.parseLong(v));
  }

  private static @Nullable Instant optionalInstant(@Nullable String v) {
    return v == null || v.equals(NONE) ? null : Instant.ofEpochSecond(Long.parseLong(v));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String unbase64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }
}
