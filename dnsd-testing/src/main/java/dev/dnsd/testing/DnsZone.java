package dev.dnsd.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A zone of the {@link DnsTestServer} injected as a test's parameter: master-file text, or a file
 * on the class path. On the class, for every test in it; on a method, for that test as well. A
 * parameter of a test method (or of {@code @BeforeEach}) gets a server for that test; one of a
 * {@code @BeforeAll} method, for the class.
 *
 * <pre>{@code
 * @DnsZone(origin = "example.com.", text = "www A 192.0.2.1")
 * class ResolverTest {
 *   @Test
 *   void resolves(DnsTestServer dns) throws Exception {
 *     assertThat(dns.answers("www.example.com", Type.A)).containsExactly("192.0.2.1");
 *   }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(DnsZone.List.class)
@ExtendWith(DnsServerExtension.class)
public @interface DnsZone {
  /**
   * The zone's origin; for a {@link #resource()}, empty takes it from the file name.
   *
   * @return the origin
   */
  String origin() default "";

  /**
   * The zone as master-file text, as {@link DnsTestServer.Builder#zone(String, String)} takes.
   *
   * @return the text
   */
  String text() default "";

  /**
   * A class path resource holding the zone ({@code "zones/example.com.zone"}), instead of text.
   *
   * @return the resource
   */
  String resource() default "";

  /** Several {@link DnsZone}s on one element. */
  @Documented
  @Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @ExtendWith(DnsServerExtension.class)
  @interface List {
    /**
     * The zones.
     *
     * @return the zones
     */
    DnsZone[] value();
  }
}
