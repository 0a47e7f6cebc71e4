package dev.dnsd.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts the {@link DnsTestServer} in this field before each test and closes it after; a static
 * field's before the class's first test and after its last.
 *
 * <pre>{@code
 * @StartStop DnsTestServer dns = DnsTestServer.withZone("example.com.", "www A 192.0.2.1");
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@ExtendWith(DnsServerExtension.class)
public @interface StartStop {}
