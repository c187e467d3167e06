package dev.contemplate.inference.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.contemplate.inference.onnx.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * An ONNX Runtime session over a decoder-only model in the Optimum layout, with its inputs and outputs checked
 * against the {@link ModelConfig}. Owns the session and its options.
 */
public final class OrtModel implements AutoCloseable {

    /** The token ids input. */
    public static final String INPUT_IDS = "input_ids";
    /** The attention mask input. */
    public static final String ATTENTION_MASK = "attention_mask";
    /** The positions input (optional in a model). */
    public static final String POSITION_IDS = "position_ids";
    /** The logits output. */
    public static final String LOGITS = "logits";

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final ModelConfig config;
    private final boolean positionIds;
    private final String[] pastNames;
    private final String[] presentNames;
    private boolean closed;

    private OrtModel(OrtEnvironment env, OrtSession.SessionOptions options, OrtSession session, ModelConfig config,
            boolean positionIds) {
        this.env = env;
        this.options = options;
        this.session = session;
        this.config = config;
        this.positionIds = positionIds;
        int layers = config.numLayers();
        this.pastNames = new String[2 * layers];
        this.presentNames = new String[2 * layers];
        for (int i = 0; i < layers; i++) {
            pastNames[2 * i] = "past_key_values." + i + ".key";
            pastNames[2 * i + 1] = "past_key_values." + i + ".value";
            presentNames[2 * i] = "present." + i + ".key";
            presentNames[2 * i + 1] = "present." + i + ".value";
        }
    }

    /** Session settings. */
    public record Settings(int intraOpThreads, OrtSession.SessionOptions.OptLevel optimization,
            boolean allowSpinning) {
    }

    /**
     * Opens a session over the model and checks it.
     *
     * @param model the model bytes
     * @param source a description of where the model came from, for messages
     * @param config the configuration, or null to read it from the model's metadata
     * @param settings session settings
     * @return the opened model
     * @throws IllegalArgumentException naming what is wrong if the model cannot be loaded or does not match
     */
    public static OrtModel open(byte[] model, String source, @Nullable ModelConfig config, Settings settings) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = null;
        OrtSession session = null;
        try {
            options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(settings.optimization());
            options.addConfigEntry("session.intra_op.allow_spinning", settings.allowSpinning() ? "1" : "0");
            session = env.createSession(model, options);
            ModelConfig resolved = config;
            if (resolved == null) {
                resolved = ModelConfig.fromMetadata(session.getMetadata().getCustomMetadata())
                        .orElseThrow(() -> new IllegalArgumentException(source
                                + ": no model configuration given, no model.json beside the model and none in its"
                                + " metadata"));
            }
            boolean positions = check(session, resolved, source);
            return new OrtModel(env, options, session, resolved, positions);
        } catch (OrtException e) {
            closeQuietly(session, options);
            throw new IllegalArgumentException(source + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session, options);
            throw e;
        }
    }

    private static void closeQuietly(@Nullable OrtSession session, OrtSession.@Nullable SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException | RuntimeException ignored) {
            // already failing
        }
        if (options != null) {
            options.close();
        }
    }

    /** Checks names, element types and the static dimensions; returns whether the model takes position_ids. */
    private static boolean check(OrtSession session, ModelConfig c, String source) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        List<String> missingIn = new ArrayList<>();
        List<String> missingOut = new ArrayList<>();
        for (String n : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputs.containsKey(n)) {
                missingIn.add(n);
            }
        }
        if (!outputs.containsKey(LOGITS)) {
            missingOut.add(LOGITS);
        }
        Set<String> expectedIn = new TreeSet<>(List.of(INPUT_IDS, ATTENTION_MASK, POSITION_IDS));
        for (int i = 0; i < c.numLayers(); i++) {
            for (String kind : List.of("key", "value")) {
                String past = "past_key_values." + i + "." + kind;
                String present = "present." + i + "." + kind;
                expectedIn.add(past);
                if (!inputs.containsKey(past)) {
                    missingIn.add(past);
                }
                if (!outputs.containsKey(present)) {
                    missingOut.add(present);
                }
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String n : inputs.keySet()) {
            if (!expectedIn.contains(n)) {
                unexpected.add(n);
            }
        }
        if (!missingIn.isEmpty() || !missingOut.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder sb = new StringBuilder(source).append(" does not match a decoder with ")
                    .append(c.numLayers()).append(" layers and an explicit key/value cache (inputs input_ids,"
                            + " attention_mask, [position_ids,] past_key_values.{i}.key/value; outputs logits,"
                            + " present.{i}.key/value):");
            if (!missingIn.isEmpty()) {
                sb.append(" missing inputs ").append(missingIn).append(';');
            }
            if (!missingOut.isEmpty()) {
                sb.append(" missing outputs ").append(missingOut).append(';');
            }
            if (!unexpected.isEmpty()) {
                sb.append(" unsupported inputs ").append(unexpected).append(';');
            }
            sb.append(" the model has inputs ").append(inputs.keySet()).append(" and outputs ")
                    .append(outputs.keySet());
            throw new IllegalArgumentException(sb.toString());
        }
        List<String> problems = new ArrayList<>();
        expectType(inputs, INPUT_IDS, OnnxJavaType.INT64, new long[] {-1, -1}, problems);
        expectType(inputs, ATTENTION_MASK, OnnxJavaType.INT64, new long[] {-1, -1}, problems);
        boolean positions = inputs.containsKey(POSITION_IDS);
        if (positions) {
            expectType(inputs, POSITION_IDS, OnnxJavaType.INT64, new long[] {-1, -1}, problems);
        }
        expectType(outputs, LOGITS, OnnxJavaType.FLOAT, new long[] {-1, -1, c.vocabSize()}, problems);
        long[] kv = {-1, c.numHeads(), -1, c.headDim()};
        for (int i = 0; i < c.numLayers(); i++) {
            for (String kind : List.of("key", "value")) {
                expectType(inputs, "past_key_values." + i + "." + kind, OnnxJavaType.FLOAT, kv, problems);
                expectType(outputs, "present." + i + "." + kind, OnnxJavaType.FLOAT, kv, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + " does not match its configuration " + c + ": "
                    + String.join("; ", problems));
        }
        return positions;
    }

    /** Records a problem if a tensor's type or a static dimension differs ({@code -1} in {@code dims}: any). */
    private static void expectType(Map<String, NodeInfo> infos, String name, OnnxJavaType type, long[] dims,
            List<String> problems) {
        if (!(infos.get(name).getInfo() instanceof TensorInfo t)) {
            problems.add(name + " is not a tensor");
            return;
        }
        if (t.type != type) {
            problems.add(name + " has element type " + t.type + " but " + type + " is required");
            return;
        }
        long[] shape = t.getShape();
        if (shape.length != dims.length) {
            problems.add(name + " has rank " + shape.length + " but " + dims.length + " is required");
            return;
        }
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] >= 0 && shape[d] >= 0 && shape[d] != dims[d]) {
                problems.add(name + " has dimension " + d + " of size " + shape[d] + " but the configuration says "
                        + dims[d]);
            }
        }
    }

    /** Returns the environment. */
    public OrtEnvironment env() {
        return env;
    }

    /** Returns the session. */
    public OrtSession session() {
        return session;
    }

    /** Returns the configuration. */
    public ModelConfig config() {
        return config;
    }

    /** Returns whether the model takes {@code position_ids}. */
    public boolean hasPositionIds() {
        return positionIds;
    }

    /** Returns the past input name of cache tensor {@code i} (2 per layer: key then value). */
    public String pastName(int i) {
        return pastNames[i];
    }

    /** Returns the present output name of cache tensor {@code i} (2 per layer: key then value). */
    public String presentName(int i) {
        return presentNames[i];
    }

    /** Closes the session and its options. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(session, options);
    }
}
