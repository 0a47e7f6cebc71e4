package dev.dnsd.testing;

import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link StartStop} and {@link DnsZone}, which register it: it starts
 * the {@link DnsTestServer}s of {@code @StartStop} fields and closes them after, and injects a
 * {@code DnsTestServer} parameter serving the {@code @DnsZone}s of the class and method. Register
 * it with {@code @ExtendWith(DnsServerExtension.class)} only for a parameter without any {@code
 * @DnsZone}.
 *
 * <pre>{@code
 * @ExtendWith(DnsServerExtension.class)
 * class EmptyServerTest {
 *   @Test
 *   void refusesNamesItDoesNotServe(DnsTestServer dns) throws Exception {
 *     assertThat(dns.query("example.com", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
 *   }
 * }
 * }</pre>
 */
public final class DnsServerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(DnsServerExtension.class);

  /** Made by JUnit, from the annotations that register it. */
  public DnsServerExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    for (DnsTestServer server : staticFields(context)) {
      start(server);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    staticFields(context).forEach(DnsTestServer::close);
    closeInjected(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    for (DnsTestServer server : instanceFields(context)) {
      start(server);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    instanceFields(context).forEach(DnsTestServer::close);
    closeInjected(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DnsTestServer.class;
  }

  /** One server per test (or per class, for {@code @BeforeAll}), whichever methods ask for it. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    // Keyed by the context: a test's store would also find the class's server under one key.
    Object existing = store.get(context.getUniqueId());
    if (existing instanceof DnsTestServer server) {
      return server;
    }
    DnsTestServer server = injected(context, parameter.getDeclaringExecutable());
    try {
      server.start();
    } catch (IOException e) {
      throw new ParameterResolutionException("cannot start the DNS test server: " + e.getMessage(), e);
    }
    store.put(context.getUniqueId(), server);
    return server;
  }

  private static DnsTestServer injected(ExtensionContext context, Executable executable) {
    DnsTestServer.Builder builder = DnsTestServer.builder();
    List<AnnotatedElement> sources = new ArrayList<>();
    context.getTestClass().ifPresent(sources::add);
    // Zones of the test method, and of the method asking (a @BeforeEach) when that is another.
    context.getTestMethod().ifPresent(sources::add);
    if (!sources.contains(executable)) {
      sources.add(executable);
    }
    for (AnnotatedElement element : sources) {
      for (DnsZone zone : AnnotationSupport.findRepeatableAnnotations(element, DnsZone.class)) {
        add(builder, zone, element);
      }
    }
    return builder.build();
  }

  private static void add(DnsTestServer.Builder builder, DnsZone zone, AnnotatedElement on) {
    boolean text = !zone.text().isEmpty();
    boolean resource = !zone.resource().isEmpty();
    if (text == resource) {
      throw new ParameterResolutionException(
          "@DnsZone on " + on + " needs text or resource, not both or neither");
    }
    if (resource) {
      if (zone.origin().isEmpty()) {
        builder.zoneResource(zone.resource());
      } else {
        builder.zoneResource(zone.origin(), zone.resource());
      }
    } else {
      if (zone.origin().isEmpty()) {
        throw new ParameterResolutionException("@DnsZone on " + on + " with text needs an origin");
      }
      builder.zone(zone.origin(), zone.text());
    }
  }

  private static void closeInjected(ExtensionContext context) {
    Object server = context.getStore(NAMESPACE).remove(context.getUniqueId());
    if (server instanceof DnsTestServer s) {
      s.close();
    }
  }

  private static void start(DnsTestServer server) throws IOException {
    if (!server.isRunning()) {
      server.start();
    }
  }

  private static List<DnsTestServer> staticFields(ExtensionContext context) {
    Optional<Class<?>> type = context.getTestClass();
    return type.isEmpty()
        ? List.of()
        : nonNull(
            AnnotationSupport.findAnnotatedFieldValues(type.get(), StartStop.class, DnsTestServer.class),
            type.get());
  }

  private static List<DnsTestServer> instanceFields(ExtensionContext context) {
    List<DnsTestServer> servers = new ArrayList<>();
    // A nested test's enclosing instances count too: their fields serve it as well.
    List<Object> instances =
        context.getTestInstances().map(i -> i.getAllInstances()).orElse(List.of());
    for (Object each : instances) {
      servers.addAll(
          nonNull(
              AnnotationSupport.findAnnotatedFieldValues(each, StartStop.class, DnsTestServer.class),
              each.getClass()));
    }
    return servers;
  }

  private static List<DnsTestServer> nonNull(
      List<? extends @Nullable DnsTestServer> values, Class<?> owner) {
    List<DnsTestServer> out = new ArrayList<>();
    for (DnsTestServer value : values) {
      if (value == null) {
        throw new IllegalStateException("a @StartStop field of " + owner.getName() + " is null: give it a DnsTestServer");
      }
      out.add(value);
    }
    return out;
  }
}
