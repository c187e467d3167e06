package dev.contemplate.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.contemplate.inference.Message;
import dev.contemplate.server.SamplingOverrides;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One chat completion request, read from its JSON body as OpenAI reads it: fields it does not know are ignored, a
 * {@code null} field is a missing one, and every problem is a 400 {@link ApiError} naming the parameter.
 *
 * @param model the model name, which chooses contemplation or pass-through
 * @param messages the conversation, at least one message
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk ({@code stream_options.include_usage})
 * @param sampling the sampling fields
 */
record CompletionRequest(String model, List<Message> messages, boolean stream, boolean includeUsage,
        SamplingOverrides sampling) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The most stop sequences, as OpenAI allows. */
    private static final int MAX_STOP = 4;

    /** The most characters of a value shown in an error message. */
    private static final int MAX_SHOWN = 60;

    /**
     * Reads a request body.
     *
     * @param body the JSON body
     * @param maxPromptChars the most characters of all messages together
     * @throws ApiError 400 for bad JSON, a missing or malformed field, {@code n > 1}, tools, a non-text response
     *     format, a message that cannot be carried, or a prompt over the limit
     */
    static CompletionRequest parse(byte[] body, int maxPromptChars) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage(), null, "invalid_json");
        } catch (IOException e) {
            throw ApiError.badRequest("We could not read the body of your request.", null, "invalid_json");
        }
        if (root == null || root.isMissingNode()) {
            throw ApiError.badRequest("The request body is empty; send a JSON object with 'model' and 'messages'.",
                    null, "invalid_json");
        }
        if (!root.isObject()) {
            throw ApiError.badRequest("The request body must be a JSON object but was " + kind(root) + ".", null,
                    "invalid_json");
        }
        String model = text(root, "model", true);
        List<Message> messages = messages(root);
        int chars = messages.stream().mapToInt(m -> m.text().length()).sum();
        if (chars > maxPromptChars) {
            throw ApiError.badRequest("This server's maximum prompt length is " + maxPromptChars
                    + " characters. However, your messages resulted in " + chars + " characters.", "messages",
                    "context_length_exceeded");
        }
        OptionalInt n = integer(root, "n", 1, Integer.MAX_VALUE);
        if (n.isPresent() && n.getAsInt() > 1) {
            throw ApiError.badRequest("n > 1 is not supported: a contemplation returns one verdict (its agents are "
                    + "its samples; choose how many with the model name contemplate-N), but n was " + n.getAsInt()
                    + ".", "n", "unsupported_value");
        }
        for (String tools : List.of("tools", "functions")) {
            if (nonEmptyArray(root, tools)) {
                throw ApiError.badRequest("Tools are not supported by this server, but '" + tools + "' offers "
                        + root.get(tools).size() + ".", tools, "unsupported_parameter");
            }
        }
        responseFormat(root.get("response_format"));
        boolean stream = bool(root, "stream");
        boolean includeUsage = stream && root.path("stream_options").isObject()
                && bool(root.path("stream_options"), "include_usage");
        return new CompletionRequest(model, messages, stream, includeUsage, sampling(root));
    }

    /** Accepts a missing, null or {@code {"type": "text"}} response format. */
    private static void responseFormat(@Nullable JsonNode format) {
        if (format == null || format.isNull()) {
            return;
        }
        if (!format.isObject()) {
            throw invalid("response_format", "an object such as {\"type\": \"text\"}", format);
        }
        JsonNode type = format.get("type");
        if (type == null || type.isNull()) {
            throw ApiError.badRequest("Missing required parameter: 'response_format.type'.", "response_format.type",
                    "missing_required_parameter");
        }
        if (!type.isTextual()) {
            throw invalid("response_format.type", "a string", type);
        }
        if (!type.asText().equals("text")) {
            throw ApiError.badRequest("Only text responses are supported, but response_format asks for "
                    + shown(type) + ".", "response_format", "unsupported_value");
        }
    }

    private static SamplingOverrides sampling(JsonNode root) {
        OptionalDouble temperature = number(root, "temperature", 0, 2, true);
        OptionalDouble topP = number(root, "top_p", 0, 1, false);
        OptionalInt maxTokens = integer(root, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens.isEmpty()) {
            maxTokens = integer(root, "max_tokens", 1, Integer.MAX_VALUE);
        }
        OptionalLong seed = OptionalLong.empty();
        JsonNode s = root.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw invalid("seed", "an integer", s);
            }
            seed = OptionalLong.of(s.asLong());
        }
        try {
            return new SamplingOverrides(temperature, topP, maxTokens, seed, stop(root));
        } catch (IllegalArgumentException e) {
            // the checks above should have caught it; still the request's fault, named as the overrides name it
            throw ApiError.badRequest("Invalid sampling fields: " + e.getMessage() + ".", null, "invalid_value");
        }
    }

    private static Optional<List<String>> stop(JsonNode root) {
        JsonNode stop = root.get("stop");
        if (stop == null || stop.isNull()) {
            return Optional.empty();
        }
        List<String> list = new ArrayList<>();
        if (stop.isTextual()) {
            list.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw invalid("stop", "a string or an array of strings", stop);
                }
                list.add(s.asText());
            }
        } else {
            throw invalid("stop", "a string or an array of strings", stop);
        }
        if (list.size() > MAX_STOP) {
            throw ApiError.badRequest("'stop' takes at most " + MAX_STOP + " sequences, but " + list.size()
                    + " were sent.", "stop", "invalid_value");
        }
        int empty = list.indexOf("");
        if (empty >= 0) {
            throw ApiError.badRequest("'stop' sequences must not be empty, but " + (stop.isArray() ? "stop[" + empty
                    + "]" : "stop") + " is.", "stop", "invalid_value");
        }
        return list.isEmpty() ? Optional.empty() : Optional.of(list);
    }

    private static List<Message> messages(JsonNode root) {
        JsonNode array = root.get("messages");
        if (array == null || array.isNull()) {
            throw ApiError.badRequest("Missing required parameter: 'messages'.", "messages",
                    "missing_required_parameter");
        }
        if (!array.isArray() || array.isEmpty()) {
            throw ApiError.badRequest("'messages' must be a non-empty array of messages.", "messages",
                    "invalid_value");
        }
        List<Message> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(message(array.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static Message message(JsonNode m, String param) {
        if (!m.isObject()) {
            throw invalid(param, "an object", m);
        }
        String role = text(m, "role", true, param + ".role");
        String content = content(m.get("content"), param + ".content");
        switch (role) {
            case "system":
            case "developer":
                return Message.system(content);
            case "user":
                return Message.user(content);
            case "assistant":
                if (nonEmptyArray(m, "tool_calls") || m.hasNonNull("function_call")) {
                    throw ApiError.badRequest(param + " is an assistant message that calls tools; tools are not "
                            + "supported by this server.", param, "unsupported_value");
                }
                return Message.assistant(content);
            case "tool":
            case "function":
                throw ApiError.badRequest(param + " is a " + role + " message; tools are not supported by this "
                        + "server.", param + ".role", "unsupported_value");
            default:
                throw ApiError.badRequest("Invalid value for '" + param + ".role': '" + role + "'; supported: "
                        + "system, developer, user, assistant.", param + ".role", "invalid_value");
        }
    }

    /** Reads a content: a string, an array of text parts (joined), or null (empty). */
    private static String content(@Nullable JsonNode content, String param) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw invalid(param, "a string or an array of content parts", content);
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            if (!type.equals("text") || !part.path("text").isTextual()) {
                throw ApiError.badRequest(param + " holds a part of type '" + type + "'; only text parts are "
                        + "supported.", param, "unsupported_content");
            }
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    private static String text(JsonNode node, String field, boolean required) {
        return text(node, field, required, field);
    }

    private static String text(JsonNode node, String field, boolean required, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badRequest("Missing required parameter: '" + param + "'.", param,
                        "missing_required_parameter");
            }
            return "";
        }
        if (!v.isTextual()) {
            throw invalid(param, "a string", v);
        }
        return v.asText();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw invalid(field, "a boolean", v);
        }
        return v.asBoolean();
    }

    private static OptionalDouble number(JsonNode node, String field, double min, double max, boolean minInclusive) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return OptionalDouble.empty();
        }
        if (!v.isNumber()) {
            throw invalid(field, "a number", v);
        }
        double d = v.asDouble();
        if (!(minInclusive ? d >= min : d > min) || !(d <= max)) {
            throw ApiError.badRequest("Invalid '" + field + "': " + v + " is not in " + (minInclusive ? "[" : "(")
                    + fmt(min) + ", " + fmt(max) + "].", field, "invalid_value");
        }
        return OptionalDouble.of(d);
    }

    private static OptionalInt integer(JsonNode node, String field, int min, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiError.badRequest("Invalid '" + field + "': expected an integer >= " + min + " but got " + v
                    + ".", field, "invalid_value");
        }
        return OptionalInt.of(v.asInt());
    }

    private static boolean nonEmptyArray(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isArray() && !v.isEmpty();
    }

    private static ApiError invalid(String param, String expected, JsonNode got) {
        return ApiError.badRequest("Invalid type for '" + param + "': expected " + expected + ", but got "
                + kind(got) + " (" + shown(got) + ").", param, "invalid_type");
    }

    /** Returns a value as JSON, cut to {@link #MAX_SHOWN} characters, for an error message. */
    private static String shown(JsonNode value) {
        String json = value.toString();
        return json.length() <= MAX_SHOWN ? json : json.substring(0, MAX_SHOWN - 1) + "…";
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
