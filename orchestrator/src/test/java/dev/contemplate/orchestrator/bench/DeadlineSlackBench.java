package dev.contemplate.orchestrator.bench;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationTimeoutException;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.Arrays;

/**
 * Measures, in real time, how far past its deadline a contemplation returns: 8 agents, one answers after
 * 5 ms, the others would take 10 s; the deadline is 50 ms. Prints the distribution of (return time - deadline)
 * over the runs, measured from just before subscription to just after the verdict is delivered.
 *
 * <p>Run: {@code mvn -B -q -pl orchestrator test-compile exec:exec -Dexec.executable=java
 * -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.contemplate.orchestrator.bench.DeadlineSlackBench"}
 */
public final class DeadlineSlackBench {

    private DeadlineSlackBench() {
    }

    /** Runs the measurement; optional argument: number of runs (default 500). */
    public static void main(String[] args) {
        // the tests log the contemplator at DEBUG into a file (simplelogger.properties); a user's default is quieter
        System.setProperty("org.slf4j.simpleLogger.log.dev.contemplate.orchestrator.Contemplator", "warn");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Duration deadline = Duration.ofMillis(50);
        ScriptedEngine engine = ScriptedEngine.builder().script(r -> r.sampling().seed().orElseThrow() == 0
                ? Script.text("The answer is 7.", Duration.ofMillis(5))
                : Script.text("The answer is 7.", Duration.ofSeconds(10))).build();
        Contemplator c = Contemplator.builder().engine(engine).team(Team.builder().size(8).seed(0).build())
                .stoppingRule(StoppingRules.fixed()).budget(Budget.builder().deadline(deadline).build()).build();
        for (int i = 0; i < 100; i++) {
            c.contemplate("q", Mode.CONTEMPLATE).onErrorResume(e -> reactor.core.publisher.Mono.empty()).block();
        }
        double[] overrunMs = new double[runs];
        int timeouts = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Verdict v;
            try {
                v = c.contemplate("q", Mode.CONTEMPLATE).block();
            } catch (ContemplationTimeoutException e) {
                v = null; // the timeout error also arrives at the deadline: its lateness counts the same
                timeouts++;
            }
            long t1 = System.nanoTime();
            if (v != null && v.stopReason() != StopReason.DEADLINE) {
                throw new IllegalStateException("expected a deadline stop but got " + v);
            }
            overrunMs[i] = (t1 - t0) / 1e6 - deadline.toMillis();
        }
        if (engine.active() != 0) {
            throw new IllegalStateException("generations still active after the runs: " + engine.active());
        }
        Arrays.sort(overrunMs);
        System.out.printf("deadline %d ms, %d runs, overrun ms: min %.2f  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
                deadline.toMillis(), runs, overrunMs[0], overrunMs[runs / 2], overrunMs[(int) (runs * 0.9)],
                overrunMs[(int) (runs * 0.99)], overrunMs[runs - 1]);
        System.out.printf("runs ending in a timeout error (no answer by the deadline): %d%n", timeouts);
        System.out.printf("engine: started %d, cancelled %d, active now %d%n", engine.started(), engine.cancelled(),
                engine.active());
    }
}
