package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}. Tensors are read on demand, one at a time, so a large
 * checkpoint never sits in Java memory as a whole.
 */
public final class HfCheckpoint {

  static final String SINGLE_FILE = "model.safetensors";
  static final String INDEX_FILE = "model.safetensors.index.json";

  private final Map<String, Safetensors.Header> headerByTensor;

  private HfCheckpoint(Map<String, Safetensors.Header> headerByTensor) {
    this.headerByTensor = headerByTensor;
  }

  public static HfCheckpoint open(Path modelDir) {
    Path single = modelDir.resolve(SINGLE_FILE);
    Path index = modelDir.resolve(INDEX_FILE);
    Map<String, Safetensors.Header> byTensor = new HashMap<>();
    if (Files.isRegularFile(single)) {
      Safetensors.Header header = Safetensors.readHeader(single);
      header.tensors().keySet().forEach(name -> byTensor.put(name, header));
    } else if (Files.isRegularFile(index)) {
      Map<String, Safetensors.Header> byShard = new HashMap<>();
      try {
        JsonNode weightMap =
            new ObjectMapper().readTree(Files.readAllBytes(index)).path("weight_map");
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          Safetensors.Header shard =
              byShard.computeIfAbsent(
                  e.getValue().asText(), f -> Safetensors.readHeader(modelDir.resolve(f)));
          byTensor.put(e.getKey(), shard);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + index, e);
      }
    } else {
      throw new IllegalArgumentException(
          modelDir + " has neither " + SINGLE_FILE + " nor " + INDEX_FILE);
    }
    return new HfCheckpoint(byTensor);
  }

  public boolean contains(String name) {
    return headerByTensor.containsKey(name);
  }

  public Set<String> names() {
    return headerByTensor.keySet();
  }

  /**
   * Loads a tensor as {@code type} on the manager's device; fails clearly when the name is absent.
   */
  public NDArray load(String name, NDManager manager, DataType type) {
    Safetensors.Header header = headerByTensor.get(name);
    if (header == null) {
      throw new IllegalArgumentException("checkpoint has no tensor '" + name + "'");
    }
    return Safetensors.load(header, name, manager, type);
  }
}
