namespace Greenlets.Internal;

/// <summary>
/// One tree of async greenlets: its main greenlet, the greenlet holding the baton, its tracer and the transfer in flight.
/// </summary>
/// <remarks>
/// A tree belongs to the logical async flow (the <see cref="ExecutionContext"/>) that first used async greenlets. The
/// flow is marked through <see cref="Flow"/>: the outside code of a tree sees its main greenlet there, and the code of
/// every greenlet of the tree sees the tree itself, so a switch made outside any trampoline can tell greenlet code
/// (resumed after a foreign await) from outside code acting as the main greenlet.
/// </remarks>
internal sealed class AsyncTree
{
    private static readonly AsyncLocal<object?> FlowMarker = new();

    // The context of a greenlet constructed while flow was suppressed: empty, as on a new thread.
    private static readonly Lazy<ExecutionContext> EmptyContext = new(CaptureEmpty);

    // One-entry cache: the context a greenlet was constructed with, and the same context marked as this tree's inside.
    private ExecutionContext? _outerContext;
    private ExecutionContext? _innerContext;

    // The innermost loop running on this thread, of whatever tree: only its tree's greenlet runs code here now.
    [ThreadStatic]
    private static AsyncLoopFrame? innermost;

    // A frame kept for the next loop.
    private AsyncLoopFrame? _spareFrame;

    // 1 while a switch made outside any trampoline checks the baton and takes it (see TryEnter).
    private int _entering;

    // 1 from the moment outside code (the main greenlet) starts a switch until it has taken that switch's result.
    private int _mainSwitching;

    public AsyncTree()
    {
        Main = new AsyncGreenlet(this);
        Current = Main;
    }

    /// <summary>Gets or sets the flow marker: an <see cref="AsyncGreenlet"/> main for outside code, an <see cref="AsyncTree"/> inside greenlets.</summary>
    public static object? Flow
    {
        get => FlowMarker.Value;
        set => FlowMarker.Value = value;
    }

    /// <summary>Gets the main greenlet: the outside code of this tree.</summary>
    public AsyncGreenlet Main { get; }

    /// <summary>Gets or sets the greenlet that holds the baton (running, or waiting on something that is not a switch).</summary>
    public AsyncGreenlet Current { get; set; }

    /// <summary>Gets or sets a slot for the layer above (the async hub keeps itself here), so that what it holds per
    /// tree is found without a table lookup on every wait; the Async layer never reads it.</summary>
    public object? Extension { get; set; }

    /// <summary>Gets or sets the tracer.</summary>
    public AsyncGreenletTracer? Tracer { get; set; }

    /// <summary>Gets or sets the tree's scheduler, or null for a plain tree (set once, by <see cref="AsyncSchedulerLink.Attach"/>).</summary>
    public AsyncSchedulerLink? Scheduler { get; set; }

    /// <summary>Gets or sets how many greenlets got a default name numbered in this tree, or -1 (the default) when default
    /// names come from the process-wide counter.</summary>
    /// <remarks>The test scheduler numbers names per run, in creation order, so that identical runs record identical
    /// events (as <c>TreeState.LocalNames</c> does for thread trees).</remarks>
    public int LocalNames { get; set; } = -1;

    /// <summary>Gets or sets the origin of the transfer in flight, recorded while a tracer is set; the target's step traces it (TR3).</summary>
    public AsyncGreenlet? InOrigin { get; set; }

    /// <summary>Gets or sets the kind of the transfer in flight.</summary>
    public GreenletTraceEvent InEvent { get; set; }

    /// <summary>Gets the context most greenlets of this tree run in (the last one built), or null before any started.</summary>
    public ExecutionContext? SharedContext => _innerContext;

    /// <summary>
    /// Returns the loop frame running a step of this tree on the calling thread, or null. Only the innermost loop of the
    /// thread counts: when code in a step runs a loop of another tree, the code running is that tree's, and a switch it
    /// makes into this tree must be checked as one from outside (it is refused as a foreign-tree switch).
    /// </summary>
    public AsyncLoopFrame? FrameOnThisThread()
    {
        AsyncLoopFrame? frame = innermost;
        return frame is not null && frame.Owner == this ? frame : null;
    }

    /// <summary>
    /// Claims the right to check and take the baton for a switch made outside any trampoline; false when another
    /// thread is doing so at this moment. Two threads of one flow both act as the main greenlet: without this, both
    /// could see the baton free and both transfer it. A loser is refused as "busy", exactly as if it had come a moment
    /// later, when the winner already held the baton.
    /// </summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _entering, 1, 0) == 0;

    /// <summary>Ends what <see cref="TryEnter"/> began: the baton has been taken (or the switch refused).</summary>
    public void Leave() => Volatile.Write(ref _entering, 0);

    /// <summary>
    /// Claims the main greenlet for a switch by outside code; false while another switch of the main greenlet has not
    /// had its result taken. Every thread of a flow acts as the main greenlet, and the baton coming back to it is not
    /// enough: until its switch's result is taken, a second switch would overwrite that result.
    /// </summary>
    public bool TryClaimMain() => Interlocked.CompareExchange(ref _mainSwitching, 1, 0) == 0;

    /// <summary>Ends what <see cref="TryClaimMain"/> began.</summary>
    public void ReleaseMain() => Volatile.Write(ref _mainSwitching, 0);

    /// <summary>Starts a trampoline loop of this tree on the calling thread.</summary>
    public AsyncLoopFrame EnterLoop()
    {
        AsyncLoopFrame frame = Interlocked.Exchange(ref _spareFrame, null) ?? new AsyncLoopFrame();
        frame.Owner = this;
        frame.Next = null;
        frame.Outer = innermost;
        innermost = frame;
        return frame;
    }

    /// <summary>Ends a loop, on the thread that started it.</summary>
    public void ExitLoop(AsyncLoopFrame frame)
    {
        innermost = frame.Outer;
        frame.Outer = null;
        frame.Next = null;
        frame.First = null;
        frame.Root = null;
        _spareFrame = frame;
    }

    /// <summary>Returns the tree of the calling code's flow, creating it (and its main greenlet) on first use.</summary>
    public static AsyncTree OfFlow() => Flow switch
    {
        AsyncTree inner => inner,
        AsyncGreenlet main => main.Tree!,
        _ => Create(),
    };

    /// <summary>Returns the context a greenlet constructed with <paramref name="captured"/> starts in: the same, marked as inside this tree.</summary>
    public ExecutionContext InnerContext(ExecutionContext? captured)
    {
        if (captured is not null && captured == _innerContext)
        {
            return captured;
        }

        if (captured == _outerContext && _innerContext is not null)
        {
            return _innerContext;
        }

        var box = new ContextBuild(this);
        ExecutionContext.Run(captured ?? EmptyContext.Value, static state =>
        {
            var build = (ContextBuild)state!;
            Flow = build.Tree;
            build.Result = ExecutionContext.Capture();
        }, box);
        _outerContext = captured;
        _innerContext = box.Result!;
        return box.Result!;
    }

    private static ExecutionContext CaptureEmpty()
    {
        ExecutionContext? empty = null;
        var thread = new Thread(() => empty = ExecutionContext.Capture());
        thread.UnsafeStart();
        thread.Join();
        return empty!;
    }

    private static AsyncTree Create()
    {
        var tree = new AsyncTree();
        Flow = tree.Main;

        // Greenlets constructed in this flow from now on start in this context, marked as inside the tree.
        if (ExecutionContext.Capture() is { } outer)
        {
            tree.InnerContext(outer);
        }

        return tree;
    }

    private sealed class ContextBuild(AsyncTree tree)
    {
        public AsyncTree Tree { get; } = tree;

        public ExecutionContext? Result { get; set; }
    }
}
