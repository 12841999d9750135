namespace Greenlets.Tests;

/// <summary><see cref="AsyncGreenlet"/> behind <see cref="IGreenletBackend"/>: each main runs in a fresh async flow (its own tree).</summary>
public sealed class AsyncGreenletBackend : GreenletBackend<AsyncGreenlet>
{
    public static AsyncGreenletBackend Instance { get; } = new();

    public override IGreenletHandle Current => Wrap(AsyncGreenlet.Current);

    public override bool IsTracing => AsyncGreenlet.GetTrace() is not null;

    public override void RunMain(Func<Task> body) => AsyncTestFlow.Run(body);

    public override IGreenletHandle Create(Func<object?, Task<object?>> run, IGreenletHandle? parent = null) =>
        Wrap(new AsyncGreenlet(arg => new ValueTask<object?>(run(arg)), Unwrap(parent)));

    public override IGreenletHandle? CreateWithoutRun(IGreenletHandle? parent = null)
    {
        // An async greenlet always has a body: a null one is refused at construction, before anything changes.
        Assert.Throws<ArgumentNullException>(() => new AsyncGreenlet(null!, Unwrap(parent)));
        return null;
    }

    public override void SetTrace(Action<GreenletTraceEvent, IGreenletHandle, IGreenletHandle>? tracer) =>
        AsyncGreenlet.SetTrace(tracer is null ? null : (e, o, t) => tracer(e, Wrap(o), Wrap(t)));

    protected override async Task<object?> SwitchInto(AsyncGreenlet greenlet, object? value) => await greenlet.SwitchAsync(value);

    protected override async Task<object?> ThrowInto(AsyncGreenlet greenlet, Exception? exception) => await greenlet.ThrowAsync(exception);

    protected override string NameOf(AsyncGreenlet greenlet) => greenlet.Name;

    protected override void SetName(AsyncGreenlet greenlet, string name) => greenlet.Name = name;

    protected override AsyncGreenlet? ParentOf(AsyncGreenlet greenlet) => greenlet.Parent;

    protected override void SetParent(AsyncGreenlet greenlet, AsyncGreenlet? parent) => greenlet.Parent = parent!;

    protected override Lifecycle LifecycleOf(AsyncGreenlet g) => new(g.State, g.IsStarted, g.IsActive, g.IsDead, g.IsMain);
}
