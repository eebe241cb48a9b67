package io.pier.node.envd;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.ConnectService;
import io.pier.node.envd.connect.EnvdCall;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the registered {@link ConnectService}s over the Connect protocol in its JSON form: {@code POST
 * /<service>/<Method>}, unary with {@code application/json} bodies, server-streaming with {@code
 * application/connect+json} envelopes. Owns the framing, the deadline ({@code Connect-Timeout-Ms}), the error shapes
 * and the meters; a method sees messages only.
 */
final class ConnectDispatch {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectDispatch.class);
  static final String UNARY_TYPE = "application/json";
  static final String STREAM_TYPE = "application/connect+json";

  private final Vertx vertx;
  private final EnvdLimits limits;
  private final EnvdMeters meters;
  private final Map<String, ConnectService> services = new ConcurrentHashMap<>();

  ConnectDispatch(Vertx vertx, EnvdLimits limits, EnvdMeters meters) {
    this.vertx = vertx;
    this.limits = limits;
    this.meters = meters;
  }

  void register(ConnectService service) {
    if (services.putIfAbsent(service.name(), service) != null) {
      throw new IllegalStateException("service " + service.name() + " is registered already");
    }
  }

  /** Answers one call whose body has been read; {@code call} is who asks (already admitted). */
  void handle(
      HttpServerRequest request, Buffer body, EnvdCall call, String serviceName, String method) {
    HttpServerResponse response = request.response();
    String type = mediaType(request.getHeader("Content-Type"));
    ConnectService service = services.get(serviceName);
    boolean streaming = STREAM_TYPE.equals(type);
    if (!streaming && !UNARY_TYPE.equals(type)) {
      meters.call(metricService(service), "unknown", "unsupported_media_type");
      ConnectReplies.error(
          response,
          415,
          new ConnectException(
              ConnectCode.UNIMPLEMENTED,
              "Pier speaks Connect's JSON form only: application/json (unary) or application/connect+json (streaming), not "
                  + type));
      return;
    }
    String encoding =
        request.getHeader(streaming ? "Connect-Content-Encoding" : "Content-Encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      meters.call(metricService(service), "unknown", ConnectCode.UNIMPLEMENTED.wireName());
      ConnectReplies.error(
          response,
          new ConnectException(
              ConnectCode.UNIMPLEMENTED, "compressed requests are not supported; send them plain"));
      return;
    }
    if (streaming) {
      ConnectService.ServerStreaming target =
          service == null ? null : service.serverStreaming().get(method);
      if (target == null) {
        unknown(response, service, serviceName, method, true);
      } else {
        stream(request, body, call, service.name(), method, target);
      }
    } else {
      ConnectService.Unary target = service == null ? null : service.unary().get(method);
      if (target == null) {
        unknown(response, service, serviceName, method, false);
      } else {
        unary(request, body, call, service.name(), method, target);
      }
    }
  }

  private void unknown(
      HttpServerResponse response,
      ConnectService service,
      String serviceName,
      String method,
      boolean streaming) {
    meters.call(metricService(service), "unknown", ConnectCode.UNIMPLEMENTED.wireName());
    boolean otherKind =
        service != null
            && (streaming
                ? service.unary().containsKey(method)
                : service.serverStreaming().containsKey(method));
    String message =
        otherKind
            ? serviceName
                + "/"
                + method
                + " is "
                + (streaming
                    ? "unary: send application/json"
                    : "server-streaming: send application/connect+json")
            : serviceName + "/" + method + " is not implemented";
    ConnectException error = new ConnectException(ConnectCode.UNIMPLEMENTED, message);
    if (streaming) {
      // A streaming client reads the code from the end of the stream.
      ConnectStream stream = new ConnectStream(Vertx.currentContext(), response, 1024, how -> {});
      stream.fail(error);
    } else {
      ConnectReplies.error(response, error);
    }
  }

  private void unary(
      HttpServerRequest request,
      Buffer body,
      EnvdCall call,
      String service,
      String method,
      ConnectService.Unary target) {
    HttpServerResponse response = request.response();
    Promise<JsonObject> answer = Promise.promise();
    long timer = deadline(call, answer);
    try {
      target.call(call, ConnectEnvelope.json(body)).onComplete(answer);
    } catch (RuntimeException e) {
      answer.tryFail(e);
    }
    answer
        .future()
        .onComplete(
            done -> {
              if (timer >= 0) vertx.cancelTimer(timer);
              if (done.succeeded()) {
                meters.call(service, method, "ok");
                ConnectReplies.message(
                    response, done.result() == null ? new JsonObject() : done.result());
              } else {
                ConnectException error = ConnectReplies.asConnect(done.cause());
                if (!(done.cause() instanceof ConnectException)) {
                  LOG.warn("{}/{} failed", service, method, done.cause());
                }
                meters.call(service, method, error.code().wireName());
                ConnectReplies.error(response, error);
              }
            });
  }

  private void stream(
      HttpServerRequest request,
      Buffer body,
      EnvdCall call,
      String service,
      String method,
      ConnectService.ServerStreaming target) {
    Context context = Vertx.currentContext();
    if (!meters.streamOpened(limits.maxStreams())) {
      meters.call(service, method, ConnectCode.RESOURCE_EXHAUSTED.wireName());
      new ConnectStream(context, request.response(), 1024, how -> {})
          .fail(
              new ConnectException(
                  ConnectCode.RESOURCE_EXHAUSTED,
                  "this node serves "
                      + limits.maxStreams()
                      + " streams already, the most it may; try again later"));
      return;
    }
    ConnectStream stream =
        new ConnectStream(
            context,
            request.response(),
            limits.streamBufferBytes(),
            how -> {
              meters.streamClosed();
              meters.call(service, method, how);
            });
    if (!call.timeout().isZero()) {
      long timer =
          vertx.setTimer(
              call.timeout().toMillis(),
              t ->
                  stream.fail(
                      new ConnectException(
                          ConnectCode.DEADLINE_EXCEEDED,
                          "the call's deadline (Connect-Timeout-Ms) has passed")));
      stream.onClose(() -> vertx.cancelTimer(timer));
    }
    try {
      target.call(call, ConnectEnvelope.singleRequest(body), stream);
    } catch (RuntimeException e) {
      if (!(e instanceof ConnectException)) LOG.warn("{}/{} failed", service, method, e);
      stream.fail(ConnectReplies.asConnect(e));
    }
  }

  /** Fails {@code answer} with {@code deadline_exceeded} at the call's deadline. @return the timer, or -1 */
  private long deadline(EnvdCall call, Promise<JsonObject> answer) {
    if (call.timeout().isZero()) return -1;
    return vertx.setTimer(
        call.timeout().toMillis(),
        t ->
            answer.tryFail(
                new ConnectException(
                    ConnectCode.DEADLINE_EXCEEDED,
                    "the call's deadline (Connect-Timeout-Ms) has passed")));
  }

  private static String metricService(ConnectService service) {
    return service == null ? "unknown" : service.name();
  }

  /** The media type without its parameters, lower case; empty when absent. */
  static String mediaType(String contentType) {
    if (contentType == null) return "";
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  /** Open streams now (tests). */
  int openStreams() {
    return meters.openStreams();
  }
}
