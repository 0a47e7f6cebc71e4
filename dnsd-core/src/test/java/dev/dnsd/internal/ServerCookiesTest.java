package dev.dnsd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Interoperable server cookies (RFC 9018), against the test vectors of its Appendix A. */
class ServerCookiesTest {
  private static final HexFormat HEX = HexFormat.of();
  private final byte[] scratch = new byte[32];
  private final AtomicLong now = new AtomicLong();

  private ServerCookies fixed(String secret) {
    return ServerCookies.fixed(HEX.parseHex(secret), now::get);
  }

  /** The COOKIE option data the server answers a query's cookie data with. */
  private String answer(ServerCookies cookies, String query, String client, int verdict) throws Exception {
    byte[] q = HEX.parseHex(query);
    byte[] out = new byte[ServerCookies.OPTION_BYTES];
    cookies.write(out, 0, q, 0, verdict, InetAddress.getByName(client), scratch);
    assertThat(HEX.formatHex(out, 0, 4)).isEqualTo("000a0018");
    return HEX.formatHex(out, 4, out.length);
  }

  private int check(ServerCookies cookies, String query, String client) throws Exception {
    byte[] q = HEX.parseHex(query);
    return cookies.check(q, 0, q.length, InetAddress.getByName(client), scratch);
  }

  @Test
  @DisplayName("A.1: a client cookie alone gets a new server cookie")
  void learning() throws Exception {
    ServerCookies cookies = fixed("e5e973e5a6b2a43f48e7dc849e37bfcf");
    now.set(1559731985);
    assertThat(check(cookies, "2464c4abcf10c957", "198.51.100.100")).isEqualTo(ServerCookies.CLIENT_ONLY);
    assertThat(answer(cookies, "2464c4abcf10c957", "198.51.100.100", ServerCookies.CLIENT_ONLY))
        .isEqualTo("2464c4abcf10c957010000005cf79f111f8130c3eee29480");
  }

  @Test
  @DisplayName("A.2: the same client 40 minutes later: valid, and renewed in the answer")
  void renewed() throws Exception {
    ServerCookies cookies = fixed("e5e973e5a6b2a43f48e7dc849e37bfcf");
    now.set(1559734385);
    String query = "2464c4abcf10c957010000005cf79f111f8130c3eee29480";
    assertThat(check(cookies, query, "198.51.100.100")).isEqualTo(ServerCookies.VALID_STALE);
    assertThat(answer(cookies, query, "198.51.100.100", ServerCookies.VALID_STALE))
        .isEqualTo("2464c4abcf10c957010000005cf7a871d4a564a1442aca77");
  }

  @Test
  @DisplayName("A.3: another client's cookie, with reserved bytes set, is too old by then and renewed")
  void anotherClient() throws Exception {
    ServerCookies cookies = fixed("e5e973e5a6b2a43f48e7dc849e37bfcf");
    String query = "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5"; // stamped 1559727985
    now.set(1559727985 + 100);
    assertThat(check(cookies, query, "203.0.113.203")).as("the reserved bytes are hashed as sent")
        .isEqualTo(ServerCookies.VALID);
    assertThat(check(cookies, query, "203.0.113.204")).as("from another address").isEqualTo(ServerCookies.INVALID);
    now.set(1559734700);
    assertThat(check(cookies, query, "203.0.113.203")).as("1 h 52 min old").isEqualTo(ServerCookies.INVALID);
    assertThat(answer(cookies, query, "203.0.113.203", ServerCookies.INVALID))
        .isEqualTo("fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e");
  }

  @Test
  @DisplayName("A.4: an IPv6 client after a secret rollover: the old secret's cookie still counts")
  void rollover() throws Exception {
    now.set(1559741961);
    String query = "22681ab97d52c298010000005cf7c57926556bd0934c72f8";
    String client = "2001:db8:220:1:59de:d0f4:8769:82b8";
    assertThat(check(fixed("dd3bdf9344b678b185a6f5cb60fca715"), query, client)).isEqualTo(ServerCookies.VALID);
    ServerCookies rolled = fixed("445536bcd2513298075a5d379663c962");
    assertThat(check(rolled, query, client)).as("the new secret alone").isEqualTo(ServerCookies.INVALID);
    assertThat(answer(rolled, query, client, ServerCookies.INVALID))
        .isEqualTo("22681ab97d52c298010000005cf7c609a6bb79d16625507a");
  }

  @Test
  @DisplayName("a random secret is replaced after its rotation; cookies of the one before stay valid")
  void randomRotation() throws Exception {
    now.set(1_800_000_000L);
    ServerCookies cookies = ServerCookies.random(java.time.Duration.ofHours(2), now::get);
    String first = answer(cookies, "0102030405060708", "192.0.2.1", ServerCookies.CLIENT_ONLY);
    now.addAndGet(7200); // the next answer rotates the secret
    String second = answer(cookies, "0102030405060708", "192.0.2.1", ServerCookies.CLIENT_ONLY);
    assertThat(second.substring(32)).as("hash under the new secret").isNotEqualTo(first.substring(32));
    now.addAndGet(-7200 + 1000); // back within the first cookie's hour (a clock that stepped back)
    assertThat(check(cookies, first, "192.0.2.1")).isEqualTo(ServerCookies.VALID);
  }

  @Test
  @DisplayName("a cookie more than an hour old or five minutes ahead, or of another version, is not valid")
  void window() throws Exception {
    ServerCookies cookies = fixed("e5e973e5a6b2a43f48e7dc849e37bfcf");
    String query = "2464c4abcf10c957010000005cf79f111f8130c3eee29480"; // stamped 1559731985
    now.set(1559731985 + 3600);
    assertThat(check(cookies, query, "198.51.100.100")).isEqualTo(ServerCookies.VALID_STALE);
    now.set(1559731985 + 3601);
    assertThat(check(cookies, query, "198.51.100.100")).isEqualTo(ServerCookies.INVALID);
    now.set(1559731985 - 300);
    assertThat(check(cookies, query, "198.51.100.100")).isEqualTo(ServerCookies.VALID);
    now.set(1559731985 - 301);
    assertThat(check(cookies, query, "198.51.100.100")).isEqualTo(ServerCookies.INVALID);
    now.set(1559731985);
    assertThat(check(cookies, "2464c4abcf10c957020000005cf79f111f8130c3eee29480", "198.51.100.100"))
        .as("version 2").isEqualTo(ServerCookies.INVALID);
    assertThat(check(cookies, "2464c4abcf10c9570102030405060708", "198.51.100.100"))
        .as("an 8-byte server cookie of another server").isEqualTo(ServerCookies.INVALID);
  }
}
