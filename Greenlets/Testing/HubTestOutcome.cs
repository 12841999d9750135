namespace Greenlets.Internal;

/// <summary>What one run of a test body did: its failure (or null), the choices made and how many candidates each had,
/// the switches recorded and how far the clock moved.</summary>
internal sealed record HubTestOutcome(Exception? Failure, string Schedule, int[] Choices, int[] Counts, IReadOnlyList<string> Events, TimeSpan Elapsed);
