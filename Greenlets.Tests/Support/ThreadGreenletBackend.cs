namespace Greenlets.Tests;

/// <summary><see cref="Greenlet"/> (thread fibers) behind <see cref="IGreenletBackend"/>: each main runs on its own thread's tree.</summary>
public sealed class ThreadGreenletBackend : GreenletBackend<Greenlet>
{
    public static ThreadGreenletBackend Instance { get; } = new();

    public override IGreenletHandle Current => Wrap(Greenlet.Current);

    public override bool IsTracing => Greenlet.GetTrace() is not null;

    public override void RunMain(Func<Task> body) => OnThread.Run(() => body().GetAwaiter().GetResult());

    public override IGreenletHandle Create(Func<object?, Task<object?>> run, IGreenletHandle? parent = null) =>
        Wrap(new Greenlet(arg => run(arg).GetAwaiter().GetResult(), Unwrap(parent)));

    public override IGreenletHandle? CreateWithoutRun(IGreenletHandle? parent = null) => Wrap(new NoRunGreenlet(Unwrap(parent)));

    public override void SetTrace(Action<GreenletTraceEvent, IGreenletHandle, IGreenletHandle>? tracer) =>
        Greenlet.SetTrace(tracer is null ? null : (e, o, t) => tracer(e, Wrap(o), Wrap(t)));

    protected override Task<object?> SwitchInto(Greenlet greenlet, object? value) => Complete(() => greenlet.Switch(value));

    protected override Task<object?> ThrowInto(Greenlet greenlet, Exception? exception) => Complete(() => greenlet.Throw(exception));

    protected override string NameOf(Greenlet greenlet) => greenlet.Name;

    protected override void SetName(Greenlet greenlet, string name) => greenlet.Name = name;

    protected override Greenlet? ParentOf(Greenlet greenlet) => greenlet.Parent;

    protected override void SetParent(Greenlet greenlet, Greenlet? parent) => greenlet.Parent = parent!;

    protected override Lifecycle LifecycleOf(Greenlet g) => new(g.State, g.IsStarted, g.IsActive, g.IsDead, g.IsMain);

    // The thread backend's operations are synchronous: their outcome, as a completed task.
    private static Task<object?> Complete(Func<object?> operation)
    {
        try
        {
            return Task.FromResult(operation());
        }
        catch (Exception e)
        {
            return Task.FromException<object?>(e);
        }
    }
}
