package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Random;

/**
 * A frozen linear projection {@code y = x·Wᵀ + b} with an optional trainable LoRA update {@code y
 * += scaling · dropout(x)·Aᵀ·Bᵀ}.
 *
 * <p>Shapes: x [..., in] → y [..., out]; W [out, in], b [out], A [r, in], B [out, r]. The base
 * weights may be float16 (GPU) while A and B stay float32: the adapter path runs in float32 and is
 * cast back to the base type before it is added.
 */
public final class LoraLinear extends CheckpointBlock {

  static final String LORA_A = "lora_A";
  static final String LORA_B = "lora_B";

  private final long inFeatures;
  private final long outFeatures;
  private final Parameter weight;
  private final Parameter bias;
  private Parameter loraA;
  private Parameter loraB;
  private float scaling;
  private float dropout;

  public LoraLinear(long inFeatures, long outFeatures, boolean hasBias) {
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    weight = addParameter(frozen("weight", Parameter.Type.WEIGHT));
    bias = hasBias ? addParameter(frozen("bias", Parameter.Type.BIAS)) : null;
  }

  private static Parameter frozen(String name, Parameter.Type type) {
    return Parameter.builder().setName(name).setType(type).optRequiresGrad(false).build();
  }

  /** Installs the pretrained W [out, in] and, when the layer has one, b [out]. */
  void setBase(NDArray w, NDArray b) {
    checkShape("weight", w, new Shape(outFeatures, inFeatures));
    weight.setArray(w);
    weight.freeze(true);
    if (bias != null) {
      checkShape("bias", b, new Shape(outFeatures));
      bias.setArray(b);
      bias.freeze(true);
    }
  }

  /**
   * Adds a fresh adapter: A drawn like PyTorch's {@code nn.Linear} default (kaiming-uniform with a
   * = √5, i.e. U(−1/√in, 1/√in)), B zero, so the layer's output is unchanged until B is trained.
   */
  void initAdapter(LoraConfig config, NDManager manager, Random random) {
    float bound = (float) (1 / Math.sqrt(inFeatures));
    float[] a = new float[(int) (config.rank() * inFeatures)];
    for (int i = 0; i < a.length; i++) {
      a[i] = (random.nextFloat() * 2 - 1) * bound;
    }
    setAdapter(
        config,
        manager.create(a, new Shape(config.rank(), inFeatures)),
        manager.zeros(new Shape(outFeatures, config.rank()), DataType.FLOAT32));
  }

  /** Installs trained A [r, in] and B [out, r] (float32); they become trainable parameters. */
  void setAdapter(LoraConfig config, NDArray a, NDArray b) {
    removeAdapter();
    checkShape(LORA_A, a, new Shape(config.rank(), inFeatures));
    checkShape(LORA_B, b, new Shape(outFeatures, config.rank()));
    loraA =
        addParameter(Parameter.builder().setName(LORA_A).setType(Parameter.Type.WEIGHT).build());
    loraB =
        addParameter(Parameter.builder().setName(LORA_B).setType(Parameter.Type.WEIGHT).build());
    loraA.setArray(a.toType(DataType.FLOAT32, false));
    loraB.setArray(b.toType(DataType.FLOAT32, false));
    loraA.freeze(false);
    loraB.freeze(false);
    scaling = (float) config.scaling();
    dropout = (float) config.dropout();
  }

  void removeAdapter() {
    if (loraA != null) {
      parameters.remove(LORA_A);
      parameters.remove(LORA_B);
      loraA.close();
      loraB.close();
      loraA = null;
      loraB = null;
    }
  }

  public boolean hasAdapter() {
    return loraA != null;
  }

  /** The adapter's A [r, in]; only valid when {@link #hasAdapter()}. */
  public Parameter loraA() {
    return loraA;
  }

  /** The adapter's B [out, r]; only valid when {@link #hasAdapter()}. */
  public Parameter loraB() {
    return loraB;
  }

  public Parameter weight() {
    return weight;
  }

  /** The base bias, or null when the projection has none. */
  public Parameter bias() {
    return bias;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
    NDArray y = Linear.linear(x, w, b).singletonOrThrow();
    if (loraA == null) {
      return new NDList(y);
    }
    NDArray a = ps.getValue(loraA, x.getDevice(), training);
    NDArray bMat = ps.getValue(loraB, x.getDevice(), training);
    NDArray xa = Casts.to(x, DataType.FLOAT32);
    if (training && dropout > 0) {
      xa = Dropout.dropout(xa, dropout, true).singletonOrThrow();
    }
    // the scaling goes on the rank-r intermediate, out/r times smaller than the update itself
    NDArray update =
        Linear.linear(Linear.linear(xa, a).singletonOrThrow().mul(scaling), bMat)
            .singletonOrThrow();
    return new NDList(y.add(Casts.to(update, y.getDataType())));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {in.slice(0, in.dimension() - 1).add(outFeatures)};
  }

  private static void checkShape(String name, NDArray array, Shape expected) {
    if (array == null || !array.getShape().equals(expected)) {
      throw new IllegalArgumentException(
          name
              + " has shape "
              + (array == null ? "none" : array.getShape())
              + ", expected "
              + expected);
    }
  }
}
