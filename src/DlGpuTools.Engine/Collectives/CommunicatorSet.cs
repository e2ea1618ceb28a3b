using System;
using System.Collections.Generic;
using DlGpuTools.Interop;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// The NCCL communicators of a run, ended exactly once: destroyed after a clean run, aborted after a failure or
    /// a timeout (ncclCommAbort also stops work a peer will never complete). The watchdog may abort from another
    /// thread while the worker is inside an NCCL call; the lock keeps the two from ending a communicator twice.
    /// </summary>
    internal sealed class CommunicatorSet
    {
        private readonly object _lock = new object();
        private readonly NcclLibrary _nccl;
        private readonly List<IntPtr> _comms = new List<IntPtr>();

        public CommunicatorSet(NcclLibrary nccl)
        {
            _nccl = nccl;
        }

        public bool Aborted { get; private set; }

        public void Add(IntPtr comm)
        {
            lock (_lock)
            {
                if (comm != IntPtr.Zero) _comms.Add(comm);
            }
        }

        /// <summary>The first asynchronous error any communicator reports, or ncclSuccess.</summary>
        public NcclResult AsyncError(out IntPtr failing)
        {
            failing = IntPtr.Zero;
            lock (_lock)
            {
                foreach (IntPtr comm in _comms)
                {
                    if (_nccl.ncclCommGetAsyncError(comm, out NcclResult error) == NcclResult.ncclSuccess && error != NcclResult.ncclSuccess
                        && error != NcclResult.ncclInProgress)
                    {
                        failing = comm;
                        return error;
                    }
                }
            }

            return NcclResult.ncclSuccess;
        }

        public void Abort()
        {
            lock (_lock)
            {
                Aborted = true;
                foreach (IntPtr comm in _comms) _nccl.ncclCommAbort(comm);
                _comms.Clear();
            }
        }

        public void Destroy()
        {
            lock (_lock)
            {
                foreach (IntPtr comm in _comms) _nccl.ncclCommDestroy(comm);
                _comms.Clear();
            }
        }
    }
}
