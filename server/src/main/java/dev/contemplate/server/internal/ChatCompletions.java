package dev.contemplate.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.agents.Conversation;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.ModelName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Resolves a request's model name to what answers it, a contemplation or the upstream model, and lists the models
 * served. Thread-safe.
 */
final class ChatCompletions {

    private final ServerSettings settings;
    private final int teamSize;
    private final long created = System.currentTimeMillis() / 1000;

    /**
     * @param settings the server's settings
     * @param teamSize the size of the contemplators' team, the most agents {@code contemplate-N} may ask for
     */
    ChatCompletions(ServerSettings settings, int teamSize) {
        this.settings = settings;
        this.teamSize = teamSize;
    }

    /**
     * Returns the cold pieces of a request: nothing runs until subscription, and cancelling them cancels the work.
     *
     * @throws ApiError 404 for an unknown or malformed model name, 400 for more agents than the team has or a
     *     conversation that cannot be contemplated
     */
    Flux<Piece> pieces(CompletionRequest request) {
        Optional<ModelName> name;
        try {
            name = ModelName.parse(request.model());
        } catch (IllegalArgumentException e) {
            throw ApiError.modelNotFound("The model '" + request.model() + "' does not exist: " + e.getMessage()
                    + ".");
        }
        if (name.isPresent()) {
            return contemplate(name.get(), request);
        }
        Upstream upstream = settings.upstream();
        if (upstream != null && upstream.modelName().equals(request.model().strip())) {
            return passThrough(upstream, request);
        }
        throw ApiError.modelNotFound("The model '" + request.model() + "' does not exist on this server; it serves "
                + ModelName.GRAMMAR + " (N <= " + teamSize + ")"
                + (upstream == null ? "" : ", and the upstream model '" + upstream.modelName() + "'") + ".");
    }

    private Flux<Piece> contemplate(ModelName name, CompletionRequest request) {
        if (name.agents().isPresent() && name.agents().getAsInt() > teamSize) {
            throw ApiError.badRequest("'" + request.model() + "' asks for " + name.agents().getAsInt()
                    + " agents, but this server's team has " + teamSize + ".", "model", "too_many_agents");
        }
        Conversation conversation;
        try {
            conversation = new Conversation(request.messages());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Cannot contemplate these messages: " + e.getMessage()
                    + " (the last message must be the user's question, with text).", "messages", "invalid_value");
        }
        Contemplator contemplator;
        try {
            contemplator = settings.contemplators().apply(request.sampling());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("The sampling fields cannot be applied: " + e.getMessage(), null,
                    "invalid_value");
        }
        Budget base = contemplator.budget();
        Budget budget = name.agents().isPresent()
                ? new Budget(base.deadline(), name.agents().getAsInt(), base.maxTotalTokens()) : base;
        return Contemplation.pieces(contemplator, conversation, name.mode(), budget);
    }

    private static Flux<Piece> passThrough(Upstream upstream, CompletionRequest request) {
        GenerationRequest generation;
        try {
            generation = new GenerationRequest(request.messages(), request.sampling().applyTo(upstream.defaults()));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("The sampling fields cannot be applied: " + e.getMessage(), null,
                    "invalid_value");
        }
        return Flux.defer(() -> upstream.engine().stream(generation)).map(ChatCompletions::piece);
    }

    private static Piece piece(GenerationEvent event) {
        if (event instanceof GenerationEvent.TextDelta d) {
            return new Piece.Delta(d.text());
        }
        var g = ((GenerationEvent.Completed) event).generation();
        return new Piece.Finished(g.text(), finishReason(g.finishReason()), g.usage(), null, false);
    }

    private static String finishReason(FinishReason reason) {
        switch (reason) {
            case LENGTH:
                return "length";
            case CONTENT_FILTER:
                return "content_filter";
            default:
                return "stop";
        }
    }

    /** Returns the names served: the contemplate names (N from 1 to the team's size), then the upstream model. */
    List<String> modelIds() {
        List<String> ids = new ArrayList<>(List.of(ModelName.NAME, ModelName.NAME + "-auto",
                ModelName.NAME + "-fast"));
        for (int n = 1; n <= teamSize; n++) {
            ids.add(ModelName.NAME + "-" + n);
        }
        Upstream upstream = settings.upstream();
        if (upstream != null) {
            ids.add(upstream.modelName());
        }
        return ids;
    }

    /** Returns the {@code GET /v1/models} list. */
    ObjectNode models() {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        modelIds().forEach(id -> data.add(model(id)));
        return list;
    }

    /** Returns the {@code GET /v1/models/ID} object, or null when the model is not served. */
    @Nullable ObjectNode model(String id) {
        if (!modelIds().contains(id)) {
            return null;
        }
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        Upstream upstream = settings.upstream();
        m.put("owned_by", upstream != null && upstream.modelName().equals(id) ? upstream.engine().name()
                : "contemplate");
        return m;
    }
}
