namespace Greenlets.Tests;

/// <summary>
/// A greenlet implementation as the backend-neutral tests see it: the contract tests and the conformance runner are
/// written once against it and run on every backend (<see cref="ThreadGreenletBackend"/>, <see cref="AsyncGreenletBackend"/>).
/// </summary>
/// <remarks>Bodies are <c>async</c> so that one text serves both backends: the thread backend's operations complete
/// synchronously, so its bodies run straight through on their fiber; the async backend's really suspend.</remarks>
public interface IGreenletBackend
{
    /// <summary>Gets the running greenlet of the caller's tree.</summary>
    IGreenletHandle Current { get; }

    /// <summary>Gets whether a tracer is set for the caller's tree.</summary>
    bool IsTracing { get; }

    /// <summary>Runs <paramref name="body"/> as the main greenlet of a fresh tree, guarded by <see cref="TestTimeouts.Unexpected"/>.</summary>
    void RunMain(Func<Task> body);

    /// <summary>Creates a greenlet whose body is <paramref name="run"/>.</summary>
    IGreenletHandle Create(Func<object?, Task<object?>> run, IGreenletHandle? parent = null);

    /// <summary>Creates a greenlet without a body (R3), or returns null where the backend cannot have one.</summary>
    IGreenletHandle? CreateWithoutRun(IGreenletHandle? parent = null);

    /// <summary>Sets (or with null, clears) the caller's tree's tracer.</summary>
    void SetTrace(Action<GreenletTraceEvent, IGreenletHandle, IGreenletHandle>? tracer);
}
