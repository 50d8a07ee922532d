package io.linkpoints.app;

/**
 * The jar's command line: a command word or none, and help. Hand-written rather than a library:
 * three commands with no options of their own; configuration is by environment (README.md).
 */
public final class Commands {
  private Commands() {
  }

  /** What the arguments ask for. */
  public enum Command { RUN, ROTATE_JWT_KEY, ROTATE_CODE_KEY, HELP }

  public static final String USAGE = """
      Usage: java -jar linkpoints.jar [command]      (./linkpoints run [command] does the same)

      Commands:
        run               the default: start the whole platform, the API and portal on LINKPOINTS_PORT,
                          over LINKPOINTS_DB_URL or else an embedded PostgreSQL in LINKPOINTS_DATA.
                          SIGTERM or Ctrl-C stops it in order (requests in flight finish, the ledger
                          writer drains, then the pools and PostgreSQL close) and exits 0.
        rotate-jwt-key    add a new token signing key to LINKPOINTS_JWT_KEYS_DIR and make it current;
                          running instances use it once restarted, tokens signed before keep verifying
        rotate-code-key   add a new member device secrets key to LINKPOINTS_CODE_KEYS_DIR and make it current;
                          instances seal with it once restarted and re-seal stored secrets with it (the log
                          says when none remain under older keys, whose files may then be deleted)
        help, --help, -h  this text

      Configuration is by environment variables (LINKPOINTS_PORT, LINKPOINTS_DATA, LINKPOINTS_DB_URL, ...):
      see README.md. Health: GET /health/live and /health/ready (docs/operations.md).
      """;

  /** The command {@code args} name; an {@link IllegalArgumentException} saying why when they name none. */
  public static Command parse(String[] args) {
    if (args.length == 0) {
      return Command.RUN;
    }
    Command command = switch (args[0]) {
      case "run" -> Command.RUN;
      case "rotate-jwt-key" -> Command.ROTATE_JWT_KEY;
      case "rotate-code-key" -> Command.ROTATE_CODE_KEY;
      case "help", "--help", "-h" -> Command.HELP;
      default -> throw new IllegalArgumentException((args[0].startsWith("-") ? "unknown option '" : "unknown command '")
          + args[0] + "'");
    };
    if (args.length > 1) {
      if (command != Command.HELP && (args[1].equals("--help") || args[1].equals("-h"))) {
        return Command.HELP;
      }
      throw new IllegalArgumentException("'" + args[0] + "' takes no arguments, got '" + args[1] + "'");
    }
    return command;
  }

  /**
   * For a command that takes no arguments (the benchmarks, the till at the shell): with none,
   * false (go on); with {@code --help} or {@code -h}, its usage on stdout and true (stop, status
   * 0); with anything else, its usage on stderr and exit status 2.
   */
  public static boolean answeredHelp(String[] args, String usage) {
    if (args.length == 0) {
      return false;
    }
    boolean help = args[0].equals("--help") || args[0].equals("-h");
    (help ? System.out : System.err).print(usage);
    if (!help) {
      System.exit(2);
    }
    return true;
  }

  /** True when {@code args} start the server (the launcher seeds its demo data only then). */
  public static boolean startsServer(String[] args) {
    try {
      return parse(args) == Command.RUN;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
