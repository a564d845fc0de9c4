package io.kalmstream.model.eval;

/** Small dense-vector helpers on float arrays, accumulated in float like the matrix kernels. */
public final class Vectors {
  private Vectors() {}

  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
    }
    return dot(a, 0, b, 0, a.length);
  }

  static float dot(float[] a, int aFrom, float[] b, int bFrom, int length) {
    // Four independent accumulators let the JIT pipeline the multiply-adds.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < length; i += 4) {
      s0 += a[aFrom + i] * b[bFrom + i];
      s1 += a[aFrom + i + 1] * b[bFrom + i + 1];
      s2 += a[aFrom + i + 2] * b[bFrom + i + 2];
      s3 += a[aFrom + i + 3] * b[bFrom + i + 3];
    }
    for (; i < length; i++) {
      s0 += a[aFrom + i] * b[bFrom + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** A unit-length copy of {@code v}; a zero vector stays zero. */
  public static float[] normalized(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float[] out = v.clone();
    if (norm == 0) {
      return out;
    }
    float inv = (float) (1.0 / Math.sqrt(norm));
    for (int i = 0; i < out.length; i++) {
      out[i] *= inv;
    }
    return out;
  }

  static double squaredDistance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}
