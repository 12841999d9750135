using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Rules = Greenlets.Internal.SwitchRules<Greenlets.Internal.GreenletCore.Backend, Greenlets.Greenlet, Greenlets.Internal.TreeState>;

namespace Greenlets.Internal;

/// <summary>
/// The switching state of one greenlet, kept apart from the public <see cref="Greenlet"/> object so that a
/// suspended fiber thread references only this core and never keeps its greenlet reachable.
/// </summary>
internal sealed partial class GreenletCore
{
    [ThreadStatic]
    private static GreenletCore? current;

    private readonly WeakReference<Greenlet> _handle;
    private readonly HandoffGate? _mainGate;

    // The state, the strong reference and the incoming transfer (written by the switcher before it opens this core's
    // gate), on a cache line of their own.
    private readonly HandoffSlot _slot = new();

    /// <summary>Guards parent chains: a parent change, and a start's check of the chain with its commit to a tree.</summary>
    public static readonly Lock ParentLock = new();

    public GreenletCore(Greenlet handle, Greenlet? parent, TreeState? mainOf)
    {
        _handle = new WeakReference<Greenlet>(handle, trackResurrection: true);
        Parent = parent;
        if (mainOf is not null)
        {
            IsMain = true;
            Tree = mainOf;
            Strong = handle;
            _mainGate = HandoffGate.Create();
            _slot.RawState = GreenletState.Running;
        }
    }

    /// <summary>Gets the core of the greenlet running on this OS thread, or null before any greenlet call.</summary>
    public static GreenletCore? OnThisThread
    {
        get => current;
        set => current = value;
    }

    /// <summary>Gets or sets the parent; null only for a main greenlet.</summary>
    public Greenlet? Parent { get; set; }

    /// <summary>Gets the tree; null until a non-main greenlet starts.</summary>
    public TreeState? Tree { get; private set; }

    public bool IsMain { get; }

    /// <summary>Gets or sets the state as the switches record it. <see cref="Greenlet.State"/>, the public one, reads
    /// <see cref="GreenletState.Dead"/> instead for a started greenlet whose tree's thread has exited; code of the core
    /// uses this one, which only the core's own transitions change.</summary>
    public GreenletState RawState
    {
        get => _slot.RawState;
        set => _slot.RawState = value;
    }

    /// <summary>Gets or sets the strong reference held only while the greenlet runs (always, for a main).</summary>
    public Greenlet? Strong
    {
        get => _slot.Strong;
        set => _slot.Strong = value;
    }

    /// <summary>Gets or sets the fiber while the greenlet is started and unfinished.</summary>
    public Fiber? Fiber { get; set; }

    /// <summary>Gets or sets the execution context captured at construction.</summary>
    public ExecutionContext? Context { get; set; }

    /// <summary>Gets or sets what the greenlet waits on, set by whoever parks it and formatted by <see cref="Greenlet.Dump"/>
    /// with <see cref="object.ToString"/>; null while it does not wait.</summary>
    public object? WaitingOn { get; set; }

    /// <summary>Gets or sets how many times a collection kill was tried.</summary>
    public int KillAttempts { get; set; }

    /// <summary>Gets the public greenlet if it is still reachable (or pending finalization).</summary>
    public Greenlet? Handle => Strong ?? (_handle.TryGetTarget(out Greenlet? h) ? h : null);

    private HandoffGate Gate => _mainGate ?? Fiber!.Gate;

    /// <summary>Gets the tree a greenlet belongs to: its own once started, else its parent's.</summary>
    public static TreeState? TreeOf(Greenlet greenlet)
    {
        for (Greenlet? g = greenlet; g is not null; g = g.Core.Parent)
        {
            if (g.Core.Tree is { } tree)
            {
                return tree;
            }
        }

        return null;
    }

    /// <summary>The body of a fiber thread while it runs this greenlet; false when the thread must exit afterwards.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool RunOnFiber()
    {
        current = this;
        bool keep;
        if (Context is { } context)
        {
            var box = new StrongBox<bool>();
            ExecutionContext.Run(context, static state => ((StrongBox<bool>)state!).Value = ((GreenletCore)OnThisThread!).Live(), box);
            keep = box.Value;
        }
        else
        {
            keep = Live();
        }

        current = null;
        return keep;
    }

    /// <summary>Writes the incoming transfer and marks this core running; the caller then opens its gate.</summary>
    private void Accept(Greenlet handle, object? value, ExceptionDispatchInfo? error, Greenlet origin, GreenletTraceEvent traceEvent)
    {
        HandoffSlot slot = _slot;
        slot.Value = value;
        slot.Error = error;
        slot.Origin = origin;
        slot.Event = traceEvent;
        slot.Strong = handle;
        slot.RawState = GreenletState.Running;
    }

    /// <summary>Takes the incoming transfer on this core's own thread, runs the tracer, and returns or throws it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private object? Receive()
    {
        HandoffSlot slot = _slot;
        object? value = slot.Value;
        ExceptionDispatchInfo? error = slot.Error;
        Greenlet? origin = slot.Origin;
        GreenletTraceEvent traceEvent = slot.Event;
        slot.Value = null;
        slot.Error = null;
        slot.Origin = null;
        if (origin is not null)
        {
            Rules.Trace(Tree!, traceEvent, origin, Strong!, ref value, ref error);
        }

        error?.Throw();
        return value;
    }
}
