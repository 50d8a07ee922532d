package io.linkpoints.imports;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.file.Path;

/**
 * HTTP for member imports. The upload's body is not read by the API's body handler (see
 * {@code ApiVerticle.STREAMED_UPLOAD}): it is streamed to a temporary file with back-pressure, at most
 * {@link #MAX_FILE_BYTES}, and read from there row by row.
 */
public final class ImportRoutes implements ApiRoutes {
  public static final long MAX_FILE_BYTES = 20L * 1024 * 1024;
  /** An XLSX upload's media type; any other body is read as CSV. */
  public static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  private final Vertx vertx;
  private final MemberImports imports;

  public ImportRoutes(Vertx vertx, MemberImports imports) {
    this.vertx = vertx;
    this.imports = imports;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "uploadMemberImport", this::upload);
    on(b, "listMemberImports", JsonHandlers.reply(200, ctx -> imports.list(Params.positiveLong(ctx, "allianceId"),
        Params.positiveLong(ctx, "shopId")).map(ImportJson::list)));
    on(b, "getMemberImport", JsonHandlers.reply(200, ctx -> imports.get(Params.positiveLong(ctx, "allianceId"),
        Params.positiveLong(ctx, "shopId"), Params.positiveLong(ctx, "importId")).map(ImportJson::memberImport)));
  }

  private void upload(RoutingContext ctx) {
    long allianceId;
    long shopId;
    boolean dryRun;
    try {
      allianceId = Params.positiveLong(ctx, "allianceId");
      shopId = Params.positiveLong(ctx, "shopId");
      String dry = ctx.request().getParam("dryRun");
      if (dry == null || !(dry.equals("true") || dry.equals("false"))) {
        throw ProblemCode.INVALID_PARAMETER.refuse("dryRun is true or false");
      }
      dryRun = dry.equals("true");
      String length = ctx.request().getHeader("Content-Length");
      if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > MAX_FILE_BYTES) {
        throw ProblemCode.BODY_TOO_LARGE.refuse("a member file is at most " + MAX_FILE_BYTES + " bytes");
      }
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    Principal who = Principal.of(ctx);
    HttpServerRequest request = ctx.request();
    boolean xlsx = isXlsx(request.getHeader("Content-Type"));
    request.pause();
    imports.requireShop(allianceId, shopId)
        .compose(v -> vertx.fileSystem().createTempFile("member-import", xlsx ? ".xlsx" : ".csv"))
        .compose(path -> receive(request, path).map(Path.of(path)))
        .compose(path -> imports.upload(who, allianceId, shopId, path, xlsx, dryRun))
        .onSuccess(outcome -> {
          if (outcome.status() == 422) {
            JsonHandlers.send(ctx, 422, ImportJson.outcome(outcome)); // refused: nothing done, nothing to audit
          } else {
            JsonHandlers.replyAfterHook(ctx, outcome.status(), ImportJson.outcome(outcome));
          }
        })
        .onFailure(ctx::fail);
  }

  static boolean isXlsx(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().equalsIgnoreCase(XLSX);
  }

  /** Streams the body into the file, refusing more than the limit. */
  private Future<Void> receive(HttpServerRequest request, String path) {
    return vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
        .compose(file -> {
          Promise<Void> done = Promise.promise();
          long[] received = {0};
          request.handler(buf -> {
            received[0] += buf.length();
            if (received[0] > MAX_FILE_BYTES) {
              request.handler(null);
              done.tryFail(ProblemCode.BODY_TOO_LARGE.refuse("a member file is at most " + MAX_FILE_BYTES + " bytes"));
              return;
            }
            file.write(buf).onFailure(done::tryFail);
            if (file.writeQueueFull()) {
              request.pause();
              file.drainHandler(v -> request.resume());
            }
          });
          request.exceptionHandler(done::tryFail);
          request.endHandler(v -> done.tryComplete());
          request.resume();
          return done.future().eventually(() -> close(file)).andThen(ar -> {
            if (ar.failed()) {
              vertx.fileSystem().delete(path);
            }
          });
        });
  }

  private static Future<Void> close(AsyncFile file) {
    return file.close().otherwiseEmpty();
  }
}
