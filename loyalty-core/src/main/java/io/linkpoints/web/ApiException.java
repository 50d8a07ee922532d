package io.linkpoints.web;

/** A request refused with one of the catalogue's codes ({@link ProblemCode}) and a detail for people. */
public class ApiException extends RuntimeException implements Refusal {
  private static final long serialVersionUID = 1L;
  private final ProblemCode problem;

  public ApiException(ProblemCode problem, String detail) {
    super(detail, null, false, false);
    this.problem = problem;
  }

  @Override
  public ProblemCode problem() {
    return problem;
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
