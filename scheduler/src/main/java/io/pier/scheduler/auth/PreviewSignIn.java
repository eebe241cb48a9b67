package io.pier.scheduler.auth;

import static io.pier.common.http.HtmlPage.escape;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.PreviewAccess;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.ApiException;
import io.pier.common.http.HtmlPage;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Slugs;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/auth/preview?slug=<slug>&return=<path>}: the apex half of opening a private preview (see
 * {@link PreviewAccess}). The edge-proxy sends a browser here when it asks for a private preview without a preview
 * cookie. Signed in as the owner, a collaborator (editor or viewer) or an administrator, the browser is sent back to the preview host with a preview
 * token for that slug, valid a minute; signed out, to the sign-in page, which comes back here; anyone else gets 403.
 * Browsers get pages, other clients JSON.
 */
public final class PreviewSignIn {
  private static final Logger LOG = LoggerFactory.getLogger(PreviewSignIn.class);

  private final AuthApi auth;
  private final TokenSigner tokens;
  private final Function<String, Future<ReplRecord>> repls;
  private final Function<String, String> previewUrl;

  /**
   * @param repls      the repl of a slug; fails with a 404 {@link ApiException} when there is none
   * @param previewUrl the preview's URL, {@code <scheme>://<slug>.<domain>[:port]/}
   */
  public PreviewSignIn(
      AuthApi auth,
      TokenSigner tokens,
      Function<String, Future<ReplRecord>> repls,
      Function<String, String> previewUrl) {
    this.auth = auth;
    this.tokens = tokens;
    this.repls = repls;
    this.previewUrl = previewUrl;
  }

  public void handle(RoutingContext ctx) {
    String slug = ctx.request().getParam("slug");
    String back = PreviewAccess.safeReturnPath(ctx.request().getParam("return"));
    boolean page = HtmlPage.wanted(ctx.request().getHeader("Accept"));
    if (slug == null || !Slugs.isValid(slug)) {
      notFound(ctx, page, String.valueOf(slug));
      return;
    }
    AuthToken caller = auth.caller(ctx);
    if (caller == null) {
      if (page) {
        redirect(
            ctx,
            "/?next=" + encode(PreviewAccess.START + "?slug=" + slug + "&return=" + encode(back)));
      } else {
        HttpErrors.send(ctx, 401, "unauthenticated", "sign in first (POST /api/auth/login)");
      }
      return;
    }
    repls
        .apply(slug)
        .onSuccess(
            record -> {
              String preview = previewUrl.apply(slug).replaceAll("/+$", "");
              if (!record.isPrivate()) {
                // Public (again) meanwhile: nothing to hand over.
                redirect(ctx, preview + back);
              } else if (ReplAccess.roleOf(caller, record).isPresent()) {
                String token =
                    tokens.issuePreview(
                        caller.subject(), caller.admin(), slug, PreviewAccess.LINK_TTL);
                redirect(
                    ctx,
                    preview
                        + PreviewAccess.EXCHANGE
                        + "?token="
                        + encode(token)
                        + "&return="
                        + encode(back));
              } else if (page) {
                HtmlPage.send(
                    ctx.response(),
                    403,
                    "This preview is private",
                    "Only the owner of <code>"
                        + escape(slug)
                        + "</code> and those it is shared with can open its preview, and you are signed in to Pier as <code>"
                        + escape(caller.subject())
                        + "</code>. <a href=\"/\">Switch account</a>, or ask the owner to share the repl with you or make its preview public.");
              } else {
                HttpErrors.send(
                    ctx,
                    403,
                    "forbidden",
                    "the preview of "
                        + slug
                        + " is private to its owner and those it is shared with");
              }
            })
        .onFailure(
            err -> {
              if (err instanceof ApiException api && api.status() == 404) {
                notFound(ctx, page, slug);
              } else {
                LOG.error("preview sign-in for {} failed", slug, err);
                HttpErrors.sendFailure(ctx, err);
              }
            });
  }

  private static void notFound(RoutingContext ctx, boolean page, String slug) {
    if (page) {
      HtmlPage.send(
          ctx.response(),
          404,
          "No repl here",
          "There is no repl named <code>" + escape(slug) + "</code>.");
    } else {
      HttpErrors.send(ctx, 404, "unknown_repl", "no repl named '" + slug + "'");
    }
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response()
        .setStatusCode(302)
        .putHeader("Location", location)
        .putHeader("Cache-Control", "no-store")
        // The preview token in the location must not travel on in a Referer.
        .putHeader("Referrer-Policy", "no-referrer")
        .end();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
