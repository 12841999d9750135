namespace Greenlets.Internal;

/// <summary>What one run of a test body did: its failure (or null), the choices made and how many candidates each had,
/// the switches recorded and how far the clock moved.</summary>
/// <remarks>The choices stay in the chooser's compact log and are expanded only for the exploration that reads them: a
/// plain run needs only its schedule's text.</remarks>
internal sealed class HubTestOutcome(Exception? failure, HubChoiceLog log, IReadOnlyList<string> events, TimeSpan elapsed)
{
    private int[]? _choices;
    private int[]? _counts;

    /// <summary>Gets the failure of the run: the body's, a deadlock, or an error the hub reported; null when it passed.</summary>
    public Exception? Failure => failure;

    /// <summary>Gets the schedule's text.</summary>
    public string Schedule { get; } = log.Format();

    /// <summary>Gets every choice made, in order.</summary>
    public int[] Choices => _choices ??= log.Choices();

    /// <summary>Gets, for every choice, how many candidates it had.</summary>
    public int[] Counts => _counts ??= log.Counts();

    /// <summary>Gets the switches recorded.</summary>
    public IReadOnlyList<string> Events => events;

    /// <summary>Gets how far the run's clock moved.</summary>
    public TimeSpan Elapsed => elapsed;
}
