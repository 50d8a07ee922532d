package io.linkpoints.web;

/** A request refused with an HTTP status and a stable problem code. */
public class ApiException extends RuntimeException implements Refusal {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public ApiException(ProblemCode problem, String detail) {
    this(problem.status(), problem.code(), detail);
  }

  /** Being retired: name a {@link ProblemCode} instead (issue 13); removed once no caller is left. */
  @Deprecated
  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String code() {
    return code;
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what + " not found");
  }

  public static ApiException shopNotFound(long shopId) {
    return new ApiException(404, "shop_not_found", "no shop " + shopId + " in this alliance");
  }

  public static ApiException periodNotFound(long periodId) {
    return new ApiException(404, "period_not_found", "no settlement period " + periodId + " in this alliance");
  }
}
