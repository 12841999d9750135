namespace Greenlets.Internal;

/// <summary>A test body and the hub it runs on: the one thing <see cref="HubTest"/>'s strategies, replay, exploration
/// and shrinking need, so that they are written once for both hub kinds.</summary>
internal abstract class HubTestSubject
{
    /// <summary>Gets the public member that runs this kind of body, for the replay hint of a failure.</summary>
    public abstract string RunMember { get; }

    /// <summary>Runs the body once as the main greenlet of a fresh hub, isolated from the caller, under
    /// <paramref name="chooser"/>, on a virtual clock or the system clock; the task completes when the run has ended.</summary>
    /// <remarks>After the body returns the hub runs until nothing is left; tasks still blocked then are killed. A failure
    /// of the body, a deadlock or an error the hub reports as unobserved is the outcome's failure. The run's own
    /// machinery failing (not the body) throws <see cref="InvalidOperationException"/>. A thread-hub run blocks the caller
    /// and returns a completed task; an async-hub run blocks no thread.</remarks>
    public abstract ValueTask<HubTestOutcome> RunOnceAsync(HubScheduleChooser chooser, bool virtualTime);
}
