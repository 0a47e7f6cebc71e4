package dev.dnsd.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The rule every dnsd builder follows: each setting may be given once. A second call means two
 * places in the caller's code disagree, which is worth failing for rather than letting the last
 * one win silently. Settings that may repeat (listen addresses, zones, extensions, peers) do not
 * use it.
 *
 * <pre>{@code
 * private final SetOnce once = new SetOnce();
 *
 * public Builder keepalive(Duration interval) {
 *   checkKeepalive(interval);
 *   once.claim("keepalive", interval);
 *   this.keepalive = interval;
 *   return this;
 * }
 * }</pre>
 *
 * <p>Not thread-safe, as builders are not.
 */
public final class SetOnce {
  private final Map<String, String> given = new HashMap<>();

  /** No setting claimed yet. */
  public SetOnce() {}

  /**
   * Notes that the setting is given this value.
   *
   * @throws IllegalStateException naming the setting and its earlier value when it was given
   * @param setting the setting's name, as the builder method has it
   * @param value the value, shown in the message of a second claim
   */
  public void claim(String setting, Object value) {
    String earlier = given.putIfAbsent(setting, String.valueOf(value));
    if (earlier != null) {
      throw new IllegalStateException(setting + " was already set to " + earlier);
    }
  }

  /**
   * As {@link #claim(String, Object)}, for a value the message must not show (a secret).
   *
   * @param setting the setting's name
   */
  public void claimSecret(String setting) {
    if (given.putIfAbsent(setting, "(secret)") != null) {
      throw new IllegalStateException(setting + " was already set");
    }
  }
}
