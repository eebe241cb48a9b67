package io.pier.node.envd;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The in-sandbox API's meters: calls by service, method and how they ended, and the streams open now. */
final class EnvdMeters {
  private final MeterRegistry registry;
  private final AtomicInteger openStreams = new AtomicInteger();

  EnvdMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("pier.envd.streams.open", openStreams, AtomicInteger::get)
        .description("Server-streaming calls of the in-sandbox API open now")
        .register(registry);
  }

  /**
   * One call ended. {@code method} is {@code unknown} for a method no service has (the name is the caller's: it must
   * not make new series); {@code code} is {@code ok} or a Connect code.
   */
  void call(String service, String method, String code) {
    Counter.builder("pier.envd.calls")
        .description("Calls of the in-sandbox API (E2B's envd), by method and outcome")
        .tag("service", service)
        .tag("method", method)
        .tag("code", code)
        .register(registry)
        .increment();
  }

  /** @return false when {@code limit} streams are open already (the new one is not counted) */
  boolean streamOpened(int limit) {
    while (true) {
      int now = openStreams.get();
      if (now >= limit) return false;
      if (openStreams.compareAndSet(now, now + 1)) return true;
    }
  }

  void streamClosed() {
    openStreams.decrementAndGet();
  }

  int openStreams() {
    return openStreams.get();
  }
}
