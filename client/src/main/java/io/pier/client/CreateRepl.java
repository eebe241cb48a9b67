package io.pier.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a new repl is made from: {@code CreateRepl.of("node").label("ci", "1").timeout(Duration.ofMinutes(30))}. */
public final class CreateRepl {
  private final String template;
  private final Map<String, String> labels = new LinkedHashMap<>();
  private Duration timeout;
  private boolean deleteOnTimeout;
  private String visibility;

  private CreateRepl(String template) {
    this.template = template;
  }

  public static CreateRepl of(String template) {
    return new CreateRepl(template);
  }

  public CreateRepl label(String name, String value) {
    labels.put(name, value);
    return this;
  }

  /** Stopped once this long has passed since its creation or last start. */
  public CreateRepl timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** Deleted, not stopped, when its timeout passes. */
  public CreateRepl deleteOnTimeout() {
    this.deleteOnTimeout = true;
    return this;
  }

  public CreateRepl privatePreview() {
    this.visibility = "private";
    return this;
  }

  ObjectNode toJson(ObjectNode body) {
    body.put("template", template);
    if (!labels.isEmpty()) {
      ObjectNode names = body.putObject("labels");
      labels.forEach(names::put);
    }
    if (timeout != null) {
      body.put("timeoutS", timeout.toSeconds());
      body.put("onTimeout", deleteOnTimeout ? "delete" : "stop");
    }
    if (visibility != null) body.put("visibility", visibility);
    return body;
  }
}
