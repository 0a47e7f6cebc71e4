package dev.dnsd.dnssec;

import dev.dnsd.internal.SetOnce;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a zone is signed: its keys, its denial of existence, how long signatures last, and when
 * keys roll. The defaults follow the default policies of Knot and BIND: one ECDSAP256SHA256
 * combined key (CSK), NSEC, signatures valid for 14 days and refreshed when a quarter of that is
 * left.
 *
 * <pre>{@code
 * DnssecPolicy policy = DnssecPolicy.builder()
 *     .denial(DnssecPolicy.Denial.NSEC3)          // RFC 9276: no extra iterations, no salt
 *     .keys(DnssecPolicy.KeyScheme.KSK_ZSK)       // the ZSK then rolls every zskLifetime
 *     .build();
 * store.commit(ChangeSet.builder().sign(zone, policy).build());
 * }</pre>
 *
 * @param algorithm the algorithm of every key (default ECDSAP256SHA256)
 * @param keys one combined key, or a KSK that signs the DNSKEY RRset and a ZSK for the rest
 * @param denial NSEC (default) or NSEC3 with the parameters of RFC 9276: SHA-1, 0 extra
 *     iterations, no salt, no opt-out
 * @param signatureValidity how long a new signature is valid (default 14 days)
 * @param signatureRefresh a signature is made anew when less than this is left of it (default a
 *     quarter of the validity)
 * @param signatureJitter new signatures expire up to this much earlier than the validity says,
 *     spread by RRset, so that they do not all fall due at once (default 1/28 of the validity)
 * @param inceptionOffset how far before the moment of signing a signature's validity starts, for
 *     validators whose clocks are behind (default 1 hour)
 * @param dnskeyTtl the TTL of the DNSKEY, CDS and CDNSKEY RRsets (default 1 hour)
 * @param zskLifetime how long a ZSK signs before a new one replaces it by pre-publication
 *     (RFC 7583 §3.2.1), or null for never (default 30 days; only with {@link KeyScheme#KSK_ZSK})
 * @param propagationDelay how long a change takes to reach every secondary and cached copy of the
 *     zone, beyond TTLs (default 1 hour)
 * @param parentDsTtl the TTL of the zone's DS records in the parent, which old KSKs wait out after
 *     the parent's DS changed (default 1 day)
 * @param dsWait after a KSK or CSK rollover's new key is published, withdraw the old key this
 *     long after without waiting for the operator to confirm the parent's DS, or null to wait
 *     for the confirmation (default null)
 * @param resignBatch the most signatures one background commit makes anew (default 1000)
 */
public record DnssecPolicy(
    DnssecAlgorithm algorithm,
    KeyScheme keys,
    Denial denial,
    Duration signatureValidity,
    Duration signatureRefresh,
    Duration signatureJitter,
    Duration inceptionOffset,
    Duration dnskeyTtl,
    @Nullable Duration zskLifetime,
    Duration propagationDelay,
    Duration parentDsTtl,
    @Nullable Duration dsWait,
    int resignBatch) {

  /** How a zone proves that names and types do not exist. */
  public enum Denial {
    /** NSEC records (RFC 4034): simple and compact, but a zone walk lists every name. */
    NSEC,
    /** NSEC3 records (RFC 5155) with no extra iterations and no salt (RFC 9276). */
    NSEC3
  }

  /** Which keys a zone has. */
  public enum KeyScheme {
    /** One combined signing key, flags 257, that signs everything. */
    CSK,
    /** A key-signing key (flags 257) for the DNSKEY RRset and a zone-signing key for the rest. */
    KSK_ZSK
  }

  /** The NSEC3 hash algorithm, SHA-1, the only one defined. */
  public static final int NSEC3_SHA1 = 1;

  /**
   * Checks the fields: durations positive (or, for margins, not negative), the refresh and jitter
   * leaving part of the validity.
   *
   * @param algorithm see the class description
   * @param keys see the class description
   * @param denial see the class description
   * @param signatureValidity see the class description
   * @param signatureRefresh see the class description
   * @param signatureJitter see the class description
   * @param inceptionOffset see the class description
   * @param dnskeyTtl see the class description
   * @param zskLifetime see the class description
   * @param propagationDelay see the class description
   * @param parentDsTtl see the class description
   * @param dsWait see the class description
   * @param resignBatch see the class description
   * @throws IllegalArgumentException naming the first field that breaks a rule
   */
  public DnssecPolicy {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(denial, "denial");
    positive("signatureValidity", signatureValidity);
    if (signatureValidity.compareTo(Duration.ofDays(3650)) > 0) {
      throw new IllegalArgumentException("signatureValidity must be at most 10 years: " + signatureValidity);
    }
    positive("signatureRefresh", signatureRefresh);
    notNegative("signatureJitter", signatureJitter);
    notNegative("inceptionOffset", inceptionOffset);
    if (signatureRefresh.plus(signatureJitter).compareTo(signatureValidity) >= 0) {
      throw new IllegalArgumentException(
          "signatureRefresh (" + signatureRefresh + ") and signatureJitter (" + signatureJitter
              + ") must leave part of signatureValidity (" + signatureValidity + ")");
    }
    positive("dnskeyTtl", dnskeyTtl);
    if (zskLifetime != null) {
      positive("zskLifetime", zskLifetime);
    }
    notNegative("propagationDelay", propagationDelay);
    notNegative("parentDsTtl", parentDsTtl);
    if (dsWait != null) {
      notNegative("dsWait", dsWait);
    }
    if (resignBatch < 1) {
      throw new IllegalArgumentException("resignBatch must be >= 1: " + resignBatch);
    }
  }

  /**
   * The default policy; see the class description.
   *
   * @return the default policy
   */
  public static DnssecPolicy defaults() {
    return builder().build();
  }

  /**
   * The default policy with another algorithm.
   *
   * @param algorithm the algorithm
   * @return the policy
   */
  public static DnssecPolicy of(DnssecAlgorithm algorithm) {
    return builder().algorithm(algorithm).build();
  }

  /**
   * A builder whose unset fields take the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * How long a newly published DNSKEY waits before it signs (and an old one after it stopped):
   * until every cache can have seen the new DNSKEY RRset (RFC 7583 §3.2.1, Ipub).
   *
   * @return the interval
   */
  public Duration publishSafety() {
    return propagationDelay.plus(dnskeyTtl);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  private static void notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }

  /** Sets a policy's fields; each at most once. Unset fields take the defaults. */
  public static final class Builder {
    private final SetOnce once = new SetOnce();
    private DnssecAlgorithm algorithm = DnssecAlgorithm.ECDSAP256SHA256;
    private KeyScheme keys = KeyScheme.CSK;
    private Denial denial = Denial.NSEC;
    private Duration validity = Duration.ofDays(14);
    private @Nullable Duration refresh;
    private @Nullable Duration jitter;
    private Duration inceptionOffset = Duration.ofHours(1);
    private Duration dnskeyTtl = Duration.ofHours(1);
    private @Nullable Duration zskLifetime = Duration.ofDays(30);
    private Duration propagationDelay = Duration.ofHours(1);
    private Duration parentDsTtl = Duration.ofDays(1);
    private @Nullable Duration dsWait;
    private int resignBatch = 1000;

    private Builder() {}

    /**
     * Sets the algorithm of every key.
     *
     * @param value the value
     * @return this builder
     */
    public Builder algorithm(DnssecAlgorithm value) {
      once.claim("algorithm", value);
      algorithm = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets one combined key or a KSK and a ZSK.
     *
     * @param value the value
     * @return this builder
     */
    public Builder keys(KeyScheme value) {
      once.claim("keys", value);
      keys = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets NSEC or NSEC3.
     *
     * @param value the value
     * @return this builder
     */
    public Builder denial(Denial value) {
      once.claim("denial", value);
      denial = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets how long a new signature is valid.
     *
     * @param value the value
     * @return this builder
     */
    public Builder signatureValidity(Duration value) {
      once.claim("signatureValidity", value);
      validity = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets how much of a signature is left when it is made anew.
     *
     * @param value the value
     * @return this builder
     */
    public Builder signatureRefresh(Duration value) {
      once.claim("signatureRefresh", value);
      refresh = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets how much earlier than the validity says new signatures may expire.
     *
     * @param value the value
     * @return this builder
     */
    public Builder signatureJitter(Duration value) {
      once.claim("signatureJitter", value);
      jitter = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets how far back a signature's validity starts.
     *
     * @param value the value
     * @return this builder
     */
    public Builder inceptionOffset(Duration value) {
      once.claim("inceptionOffset", value);
      inceptionOffset = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets the TTL of the DNSKEY, CDS and CDNSKEY RRsets.
     *
     * @param value the value
     * @return this builder
     */
    public Builder dnskeyTtl(Duration value) {
      once.claim("dnskeyTtl", value);
      dnskeyTtl = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets how long a ZSK signs before it is replaced; null: it never rolls by itself.
     *
     * @param value the value
     * @return this builder
     */
    public Builder zskLifetime(@Nullable Duration value) {
      once.claim("zskLifetime", String.valueOf(value));
      zskLifetime = value;
      return this;
    }

    /**
     * Sets how long a change takes to reach every copy of the zone.
     *
     * @param value the value
     * @return this builder
     */
    public Builder propagationDelay(Duration value) {
      once.claim("propagationDelay", value);
      propagationDelay = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets the TTL of the zone's DS records in the parent.
     *
     * @param value the value
     * @return this builder
     */
    public Builder parentDsTtl(Duration value) {
      once.claim("parentDsTtl", value);
      parentDsTtl = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets how long after its new key is safe a KSK or CSK rollover withdraws the old key by
     * itself; null: it waits for the operator's confirmation of the parent's DS.
     *
     * @param value the value
     * @return this builder
     */
    public Builder dsWait(@Nullable Duration value) {
      once.claim("dsWait", String.valueOf(value));
      dsWait = value;
      return this;
    }

    /**
     * Sets the most signatures one background commit makes anew.
     *
     * @param value the value
     * @return this builder
     */
    public Builder resignBatch(int value) {
      once.claim("resignBatch", value);
      resignBatch = value;
      return this;
    }

    /**
     * The policy of the settings given and the defaults.
     *
     * @return the policy
     * @throws IllegalArgumentException naming the first setting that breaks a rule
     */
    public DnssecPolicy build() {
      Duration r = refresh != null ? refresh : validity.dividedBy(4);
      Duration j = jitter != null ? jitter : validity.dividedBy(28);
      return new DnssecPolicy(algorithm, keys, denial, validity, r, j, inceptionOffset, dnskeyTtl,
          zskLifetime, propagationDelay, parentDsTtl, dsWait, resignBatch);
    }
  }
}
