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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Resolves a request's model name to what answers it, a contemplation or the upstream model, and lists the models
 * served. The names are {@link ModelName}'s, with the team's size as the ceiling of {@code contemplate-N}. Thread-safe.
 */
final class ChatCompletions {

    private final ServerSettings settings;
    private final int teamSize;
    private final Duration passThroughDeadline;
    private final long created = System.currentTimeMillis() / 1000;

    /**
     * @param settings the server's settings
     * @param teamSize the size of the contemplators' team, the most agents {@code contemplate-N} gets
     * @param passThroughDeadline the longest a pass-through generation may run: the contemplators' budget deadline
     */
    ChatCompletions(ServerSettings settings, int teamSize, Duration passThroughDeadline) {
        this.settings = settings;
        this.teamSize = Math.max(1, teamSize);
        this.passThroughDeadline = passThroughDeadline;
    }

    /**
     * Returns the cold pieces of a request: nothing runs until subscription, and cancelling them cancels the work.
     *
     * @throws ApiError 404 for an unknown or malformed model name, 400 for a conversation that cannot be contemplated
     *     or sampling fields the contemplator factory refuses
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
                + ModelName.GRAMMAR + " (N up to " + teamSize + ")"
                + (upstream == null ? "" : ", and the upstream model '" + upstream.modelName() + "'") + ".");
    }

    /**
     * Returns the pieces of a contemplation: {@link Piece.Started} as soon as they are subscribed (the turn in the
     * queue has come), then the contemplation's.
     */
    private Flux<Piece> contemplate(ModelName name, CompletionRequest request) {
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
        // contemplate-N: N agents in place of the contemplator's limit, capped at the team (ModelName's one meaning)
        Budget budget = name.budget(contemplator.budget(), teamSize);
        return Flux.concat(Mono.just(new Piece.Started()),
                Contemplation.pieces(contemplator, conversation, name.mode(), budget));
    }

    /**
     * Returns the pieces of one plain generation by the upstream engine, cut at the pass-through deadline: past it the
     * upstream call is cancelled and the pieces fail with a 504 {@link ApiError}. The deadline runs from subscription,
     * when the turn in the queue has come.
     */
    private Flux<Piece> passThrough(Upstream upstream, CompletionRequest request) {
        GenerationRequest generation;
        try {
            generation = new GenerationRequest(request.messages(), request.sampling().applyTo(upstream.defaults()));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("The sampling fields cannot be applied: " + e.getMessage(), null,
                    "invalid_value");
        }
        Duration deadline = passThroughDeadline;
        Mono<Piece> late = Mono.delay(deadline).then(Mono.error(() ->
                ApiError.upstreamTimeout(upstream.modelName(), deadline)));
        // the generation ends with its Finished piece, which also cancels the timer
        return Flux.defer(() -> upstream.engine().stream(generation)).map(ChatCompletions::piece).mergeWith(late)
                .takeUntil(p -> p instanceof Piece.Finished);
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

    /**
     * Returns the names served: {@link ModelName#served}'s canonical names (N from 1 to the team's size), then the
     * upstream model.
     */
    List<String> modelIds() {
        List<String> ids = new ArrayList<>();
        ModelName.served(teamSize).forEach(n -> ids.add(n.canonical()));
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
