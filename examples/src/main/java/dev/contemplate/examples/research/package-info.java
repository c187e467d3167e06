/**
 * Replaying stopping and voting rules on recorded samples, without a model: the {@code replay} command.
 *
 * <p>A recorded file holds, per question, a gold answer and a list of sampled answers. For every stopping rule
 * and every shuffle, each question's samples are put in a random arrival order and fed one by one into a
 * {@link dev.contemplate.aggregation.Tally}; after each sample the rule is asked
 * {@link dev.contemplate.aggregation.StoppingRule#shouldStop(dev.contemplate.aggregation.Tally, int)} with
 * {@code remaining} = samples available (at most {@code --max}) minus samples counted, exactly as the orchestrator
 * asks it, and the verdict is {@link dev.contemplate.aggregation.Aggregator#majority()} of the tally at the stop.
 * Voting, tie-break and stopping are the library's own classes; nothing here re-implements them.
 *
 * <ul>
 *   <li>{@link dev.contemplate.examples.research.ReplayReader} reads the three input formats and reports malformed
 *       lines;</li>
 *   <li>{@link dev.contemplate.examples.research.Replayer} runs rules over shuffles and documents the shuffle
 *       derivation;</li>
 *   <li>{@link dev.contemplate.examples.research.ReplayReport} renders the table and the JSON object;</li>
 *   <li>{@link dev.contemplate.examples.research.ReplayCommand} is the picocli subcommand.</li>
 * </ul>
 */
package dev.contemplate.examples.research;
