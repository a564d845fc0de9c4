package io.kalmstream.cli;

import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Asks the cluster and the registry once before a command starts its clients. Kafka clients retry a
 * refused login or a failed handshake for as long as they run, and a Kafka Streams thread is
 * replaced after every failure, so without this a wrong password shows as a silent hang instead of
 * an error.
 */
final class ConnectionCheck {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** Thrown with the message a person needs; the command prints it and exits. */
  static final class ConnectionRefused extends RuntimeException {
    ConnectionRefused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ConnectionCheck() {}

  static void check(KafkaConnection connection) {
    checkKafka(connection);
    checkRegistry(connection);
  }

  static void checkKafka(KafkaConnection connection) {
    Map<String, Object> config = connection.clientConfig();
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    String where = "Kafka at " + connection.bootstrapServers();
    try (Admin admin = Admin.create(config)) {
      admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SslAuthenticationException) {
        throw new ConnectionRefused(
            "TLS handshake with "
                + where
                + " failed (check ssl.truststore.*): "
                + cause.getMessage(),
            cause);
      }
      if (cause instanceof AuthenticationException) {
        throw new ConnectionRefused(
            where
                + " refused the login (check sasl.jaas.config and sasl.mechanism): "
                + cause.getMessage(),
            cause);
      }
      throw new ConnectionRefused(where + " failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new ConnectionRefused(
          "no broker of "
              + where
              + " answered within "
              + TIMEOUT.toSeconds()
              + " s (wrong address, or security.protocol not the listener's?)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionRefused("interrupted while reaching " + where, e);
    }
  }

  static void checkRegistry(KafkaConnection connection) {
    try {
      new SchemaRegistryClient(connection.registry()).subjects();
    } catch (SchemaRegistryException e) {
      throw new ConnectionRefused("schema registry: " + e.getMessage(), e);
    }
  }
}
