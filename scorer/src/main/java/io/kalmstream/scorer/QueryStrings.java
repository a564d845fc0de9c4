package io.kalmstream.scorer;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** URL query strings of the JDK HTTP server's requests, which it leaves unparsed. */
public final class QueryStrings {
  private QueryStrings() {}

  /**
   * {@code a=1&b=x%20y&flag} as a map; a key without '=' maps to "". Null or empty gives an empty
   * map.
   */
  public static Map<String, String> parse(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }
}
