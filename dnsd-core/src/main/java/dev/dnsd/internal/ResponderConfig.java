package dev.dnsd.internal;

import dev.dnsd.ServerExtension;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/** Placeholder until the responder lands. */
public record ResponderConfig(
    int maxUdpPayload,
    Map<Name, String> chaosTxt,
    byte @Nullable [] nsid,
    List<ServerExtension> extensions) {}
