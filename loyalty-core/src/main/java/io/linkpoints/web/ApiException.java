package io.linkpoints.web;

/** A request refused with an HTTP status and a stable problem code, named in {@link ProblemCode}. */
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

  /** Being retired: use {@code ProblemCode.X.refuse(detail)} (issue 13); removed once no caller is left. */
  @Deprecated
  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException notFound(String what) {
    return ProblemCode.NOT_FOUND.refuse(what + " not found");
  }

  public static ApiException shopNotFound(long shopId) {
    return ProblemCode.SHOP_NOT_FOUND.refuse("no shop " + shopId + " in this alliance");
  }

  public static ApiException periodNotFound(long periodId) {
    return ProblemCode.PERIOD_NOT_FOUND.refuse("no settlement period " + periodId + " in this alliance");
  }
}
