using System.Runtime.CompilerServices;

namespace Greenlets.Internal;

/// <summary>The thread backend of <see cref="SwitchRules{TBackend, TGreenlet, TTree}"/>: greenlets on fiber threads, one tree per OS thread.</summary>
internal sealed partial class GreenletCore
{
    /// <summary>Reads and writes a thread greenlet's switching state for the shared rules.</summary>
    internal readonly struct Backend : ISwitchBackend<Greenlet, TreeState>
    {
        public static string TreeHome => "thread";

        public static Lock ParentLock => GreenletCore.ParentLock;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static GreenletState StateOf(Greenlet greenlet) => greenlet.Core.RawState;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Greenlet? ParentOf(Greenlet greenlet) => greenlet.Core.Parent;

        public static void SetParentOf(Greenlet greenlet, Greenlet parent) => greenlet.Core.Parent = parent;

        public static bool IsMain(Greenlet greenlet) => greenlet.Core.IsMain;

        public static string NameOf(Greenlet greenlet) => greenlet.Name;

        public static TreeState? OwnTree(Greenlet greenlet) => greenlet.Core.Tree;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TreeState? TreeOf(Greenlet greenlet) => GreenletCore.TreeOf(greenlet);

        public static bool HasRun(Greenlet greenlet) => greenlet.HasRun;

        public static void Commit(Greenlet greenlet, TreeState tree) => greenlet.Core.Tree = tree;

        public static Exception? PrepareStart(Greenlet greenlet, TreeState tree)
        {
            GreenletCore core = greenlet.Core;
            try
            {
                core.Fiber = RentFiber();
            }
            catch (InvalidOperationException e)
            {
                // Nothing ran: the greenlet stays pending and free to be re-parented anywhere.
                lock (GreenletCore.ParentLock)
                {
                    core.Tree = null;
                }

                return e;
            }

            tree.AddLive(core);
            return null;
        }

        public static void DieUnstarted(Greenlet greenlet)
        {
            greenlet.Core.RawState = GreenletState.Dead;
            greenlet.DropRun();
        }

        public static void MarkDead(TreeState tree, Greenlet greenlet)
        {
            GreenletCore core = greenlet.Core;
            core.RawState = GreenletState.Dead;
            core.Strong = null;
            tree.RemoveLive(core);
        }

        public static InvalidOperationException MissingRun() => Greenlet.MissingRun();

        public static string Whose(TreeState targetTree) => targetTree.IsExited
            ? "which happens to have exited"
            : $"the target belongs to thread {targetTree.Owner.ManagedThreadId}, the caller runs in thread {Environment.CurrentManagedThreadId}";

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool HasTracer(TreeState tree) => tree.Tracer is not null;

        public static void CallTracer(TreeState tree, GreenletTraceEvent traceEvent, Greenlet origin, Greenlet target) =>
            tree.Tracer?.Invoke(traceEvent, origin, target);

        public static void RemoveTracer(TreeState tree) => tree.Tracer = null;
    }
}
