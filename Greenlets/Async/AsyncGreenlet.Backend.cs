using System.Runtime.CompilerServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>The async backend of <see cref="SwitchRules{TBackend, TGreenlet, TTree}"/>: greenlets on async continuations, one tree per flow.</summary>
public partial class AsyncGreenlet
{
    /// <summary>Reads and writes an async greenlet's switching state for the shared rules.</summary>
    internal readonly struct Backend : ISwitchBackend<AsyncGreenlet, AsyncTree>
    {
        public static string TreeHome => "flow";

        public static Lock ParentLock => AsyncGreenlet.ParentLock;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static GreenletState StateOf(AsyncGreenlet greenlet) => greenlet._state;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static AsyncGreenlet? ParentOf(AsyncGreenlet greenlet) => greenlet._parent;

        public static void SetParentOf(AsyncGreenlet greenlet, AsyncGreenlet parent) => greenlet._parent = parent;

        public static bool IsMain(AsyncGreenlet greenlet) => greenlet.IsMain;

        public static string NameOf(AsyncGreenlet greenlet) => greenlet.Name;

        public static AsyncTree? OwnTree(AsyncGreenlet greenlet) => greenlet._tree;

        public static AsyncTree? TreeOf(AsyncGreenlet greenlet) => AsyncGreenlet.TreeOf(greenlet);

        public static bool HasRun(AsyncGreenlet greenlet) => greenlet._run is not null;

        public static void Commit(AsyncGreenlet greenlet, AsyncTree tree) => greenlet._tree = tree;

        // Nothing to get: the trampoline starts the body in the greenlet's first step.
        public static Exception? PrepareStart(AsyncGreenlet greenlet, AsyncTree tree) => null;

        public static void DieUnstarted(AsyncGreenlet greenlet)
        {
            greenlet._state = GreenletState.Dead;
            greenlet._run = null;
            greenlet.StartContext = null;
        }

        public static void MarkDead(AsyncTree tree, AsyncGreenlet greenlet)
        {
            greenlet._state = GreenletState.Dead;
            greenlet._continuation = null;
            greenlet._continuationState = null;
        }

        public static InvalidOperationException MissingRun() => AsyncGreenlet.MissingRun();

        public static string Whose(AsyncTree targetTree) =>
            "the target belongs to another flow's tree: async greenlets of one tree switch only among themselves";

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool HasTracer(AsyncTree tree) => tree.Tracer is not null;

        public static void CallTracer(AsyncTree tree, GreenletTraceEvent traceEvent, AsyncGreenlet origin, AsyncGreenlet target) =>
            tree.Tracer?.Invoke(traceEvent, origin, target);

        public static void RemoveTracer(AsyncTree tree) => tree.Tracer = null;
    }
}
