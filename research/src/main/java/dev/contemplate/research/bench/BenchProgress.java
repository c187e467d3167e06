package dev.contemplate.research.bench;

import java.util.List;
import java.util.Objects;

/**
 * A bench's progress after one more question, handed to {@link Bench.Builder#onProgress}.
 *
 * @param done the questions run so far, under every rule and count
 * @param total the questions to run
 * @param cells the accuracy so far per cell, in the order of {@link BenchResult#cells()}
 */
public record BenchProgress(int done, int total, List<Cell> cells) {

    /**
     * Copies the cells.
     *
     * @throws NullPointerException if {@code cells} is null
     */
    public BenchProgress {
        cells = List.copyOf(cells);
    }

    /**
     * One cell's accuracy so far.
     *
     * @param rule the stopping rule's name
     * @param agents the agent count
     * @param questions the questions run
     * @param correct the questions answered right
     */
    public record Cell(String rule, int agents, int questions, int correct) {

        /** @throws NullPointerException if {@code rule} is null */
        public Cell {
            Objects.requireNonNull(rule, "rule");
        }

        /** Returns {@code correct / questions}, 0 without questions. */
        public double accuracy() {
            return questions == 0 ? 0 : (double) correct / questions;
        }
    }

    /** Returns the rules' names in order, each once. */
    public List<String> rules() {
        return cells.stream().map(Cell::rule).distinct().toList();
    }
}
