package io.kalmstream.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS with basic authentication in front of the embedded registry, which itself serves plain HTTP
 * on loopback: a registry as a secured cluster has one, for the clients' TLS and credential
 * handling to be tested against. Requests without the right credentials get 401 and never reach the
 * registry.
 */
final class SecuredRegistryFront implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecuredRegistryFront.class);
  private static final List<String> FORWARDED_HEADERS = List.of("Content-Type", "Accept");

  private final HttpsServer server;
  private final ExecutorService executor;
  private final HttpClient backend =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String backendUrl;
  private final byte[] expectedAuthorization;

  private SecuredRegistryFront(
      HttpsServer server, ExecutorService executor, String backendUrl, String userInfo) {
    this.server = server;
    this.executor = executor;
    this.backendUrl = backendUrl;
    this.expectedAuthorization =
        ("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
            .getBytes(StandardCharsets.UTF_8);
  }

  static SecuredRegistryFront start(EmbeddedSecurity security, String backendUrl) {
    try {
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress("127.0.0.1", FreePorts.next()), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(sslContext(security)));
      ExecutorService executor =
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "registry-front");
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(executor);
      SecuredRegistryFront front =
          new SecuredRegistryFront(server, executor, backendUrl, security.registryUserInfo());
      server.createContext("/", front::forward);
      server.start();
      LOG.info("registry HTTPS front with basic authentication on {}", front.url());
      return front;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot start the registry's HTTPS front: " + e.getMessage(), e);
    }
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      if (given == null
          || !MessageDigest.isEqual(
              expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
        reply(
            exchange,
            401,
            "application/json",
            "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(backendUrl + exchange.getRequestURI()))
              .timeout(Duration.ofSeconds(30))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String header : FORWARDED_HEADERS) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          request.header(header, value);
        }
      }
      HttpResponse<byte[]> response =
          backend.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      reply(
          exchange,
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("application/json"),
          response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static SSLContext sslContext(EmbeddedSecurity security)
      throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(security.keystore())) {
      keys.load(in, security.keystorePassword().toCharArray());
    }
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, security.keystorePassword().toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return context;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
