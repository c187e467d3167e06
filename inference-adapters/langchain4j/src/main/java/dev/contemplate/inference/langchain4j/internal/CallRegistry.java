package dev.contemplate.inference.langchain4j.internal;

import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The calls an engine has in flight, so that closing the engine can abort them. */
public final class CallRegistry {

    /** A call in flight. */
    public interface Call {
        /** Stops the call and fails its subscriber with {@code error}, unless it already ended. */
        void abort(InferenceException error);
    }

    private final String engine;
    private final Set<Call> calls = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Creates a registry.
     *
     * @param engine the engine's name, for errors
     */
    public CallRegistry(String engine) {
        this.engine = engine;
    }

    /** Registers {@code call}; if the registry is closed the call is aborted at once and false is returned. */
    public boolean add(Call call) {
        calls.add(call);
        if (closed) {
            calls.remove(call);
            call.abort(closedError());
            return false;
        }
        return true;
    }

    /** Unregisters {@code call}. */
    public void remove(Call call) {
        calls.remove(call);
    }

    /** Returns how many calls are registered. */
    public int size() {
        return calls.size();
    }

    /** Returns whether {@link #closeAndAbortAll()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the registry and aborts every registered call. */
    public void closeAndAbortAll() {
        closed = true;
        List<Call> open = new ArrayList<>(calls);
        calls.clear();
        for (Call c : open) {
            c.abort(closedError());
        }
    }

    private InferenceException closedError() {
        return new PermanentInferenceException(engine, "engine closed while generating", null);
    }
}
