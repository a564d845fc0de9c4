package io.kalmstream.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whether a process that is starting serves HTTP yet, for the loops that wait on one. */
public final class HttpReadiness {
  private static final Logger LOG = LoggerFactory.getLogger(HttpReadiness.class);

  private HttpReadiness() {}

  /** True when a GET of {@code uri} answers 200; false while nothing (or not that) answers. */
  public static boolean answers(HttpClient http, URI uri) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException notYet) {
      LOG.debug("{} does not answer yet: {}", uri, notYet.toString());
      return false;
    }
  }
}
