package io.linkpoints.imports;

import io.linkpoints.web.ProblemCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Watches the bytes of an XML part on their way to the StAX parser and refuses, before the parser
 * buffers it, what would make it hold much memory. The JDK's parser hands text over in chunks, but
 * keeps a whole tag (its attribute values), comment, processing instruction or CDATA section in
 * memory, interns every distinct element, attribute and namespace name for the life of the reader,
 * and keeps a stack of open elements: so a tag, comment, PI or CDATA is at most {@link #MAX_MARKUP}
 * bytes, a name or namespace at most {@link #MAX_NAME}, the names seen (across the parts of one
 * workbook) at most {@link #MAX_NAMES}, and elements nest at most {@link #MAX_DEPTH} deep. A
 * {@code <!DOCTYPE} (any {@code <!} that is no comment or CDATA) is refused here too.
 *
 * <p>A byte scanner, not a parser: the delimiters are ASCII, so UTF-8's multi-byte characters never
 * look like one. Real workbooks are far inside these limits (Excel's parts use some 200 names).
 */
final class XmlGuard {
  static final int MAX_MARKUP = 64 * 1024;
  static final int MAX_NAME = 256;
  static final int MAX_NAMES = 4_096;
  static final int MAX_DEPTH = 64;

  private enum State { TEXT, LT, BANG, TAG, VALUE, COMMENT, PI, CDATA }

  private final Set<String> names = new HashSet<>();

  /** The part's bytes, watched. */
  InputStream watch(InputStream in) {
    Scanner scanner = new Scanner();
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          scanner.step((byte) b);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        for (int i = 0; i < n; i++) {
          scanner.step(buf[off + i]);
        }
        return n;
      }
    };
  }

  private static RuntimeException refuse(String detail) {
    return ProblemCode.INVALID_SPREADSHEET.refuse(detail);
  }

  private final class Scanner {
    private State state = State.TEXT;
    private int markup; // bytes of the current tag, comment, PI or CDATA
    private int depth;
    private boolean closing; // a tag that starts "</"
    private byte lastInTag; // the last byte of a tag outside values, to tell "/>"
    private byte quote;
    private byte prev1;
    private byte prev2;
    private int bangSeen; // bytes after "<!"
    private final StringBuilder name = new StringBuilder();
    private boolean valueIsNamespace; // the value being read is a namespace's URI (interned too)
    private String lastName;

    void step(byte b) {
      if (state != State.TEXT && ++markup > MAX_MARKUP) {
        throw refuse("a spreadsheet's XML has a tag, comment or section longer than " + MAX_MARKUP + " bytes");
      }
      switch (state) {
        case TEXT -> {
          if (b == '<') {
            state = State.LT;
            markup = 1;
          }
        }
        case LT -> {
          if (b == '!') {
            state = State.BANG;
            bangSeen = 0;
          } else if (b == '?') {
            state = State.PI;
          } else {
            state = State.TAG;
            closing = b == '/';
            lastInTag = b;
            name.setLength(0);
            if (!closing) {
              nameByte(b);
            }
          }
        }
        case BANG -> {
          bangSeen++;
          if (bangSeen == 1 && b == '[') {
            state = State.CDATA;
          } else if (bangSeen == 1 && b == '-') {
            state = State.COMMENT; // "<!-": the parser checks the second '-'
          } else {
            throw refuse("a spreadsheet's XML has no DTD and no entities");
          }
        }
        case TAG -> tag(b);
        case VALUE -> {
          if (b == quote) {
            if (valueIsNamespace) {
              remember(name.toString());
              name.setLength(0);
            }
            state = State.TAG;
            lastInTag = b;
          } else if (valueIsNamespace) {
            nameByte(b);
          }
        }
        case COMMENT -> {
          if (b == '>' && prev1 == '-' && prev2 == '-' && markup > 6) {
            state = State.TEXT;
          }
        }
        case PI -> {
          if (b == '>' && prev1 == '?') {
            state = State.TEXT;
          }
        }
        case CDATA -> {
          if (b == '>' && prev1 == ']' && prev2 == ']') {
            state = State.TEXT;
          }
        }
        default -> throw new IllegalStateException(state.name());
      }
      prev2 = prev1;
      prev1 = b;
    }

    private void tag(byte b) {
      if (b == '"' || b == '\'') {
        endName();
        quote = b;
        valueIsNamespace = lastName != null && (lastName.equals("xmlns") || lastName.startsWith("xmlns:"));
        name.setLength(0);
        state = State.VALUE;
        return;
      }
      if (b == '>') {
        endName();
        if (closing) {
          depth--;
        } else if (lastInTag != '/' && ++depth > MAX_DEPTH) {
          throw refuse("a spreadsheet's XML nests elements more than " + MAX_DEPTH + " deep");
        }
        state = State.TEXT;
        return;
      }
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '=' || b == '/') {
        endName();
      } else {
        nameByte(b);
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        lastInTag = b;
      }
    }

    private void nameByte(byte b) {
      if (name.length() >= MAX_NAME) {
        throw refuse("a spreadsheet's XML has a name or namespace longer than " + MAX_NAME + " bytes");
      }
      name.append((char) (b & 0xff));
    }

    private void endName() {
      if (!name.isEmpty()) {
        lastName = name.toString();
        remember(lastName);
        name.setLength(0);
      }
    }

    private void remember(String n) {
      if (names.add(n) && names.size() > MAX_NAMES) {
        throw refuse("a spreadsheet's XML uses more than " + MAX_NAMES + " distinct names");
      }
    }
  }
}
