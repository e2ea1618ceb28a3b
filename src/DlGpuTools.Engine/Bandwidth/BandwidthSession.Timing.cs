using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Monitoring;
using DlGpuTools.Topology;
using static DlGpuTools.Interop.Ownership;

namespace DlGpuTools.Bandwidth
{
    /// <summary>The timing loop, the kernel launches and the checks of <see cref="BandwidthSession"/>.</summary>
    public sealed unsafe partial class BandwidthSession
    {
        /// <summary>
        /// Times one test's operation: batches queued behind the spin kernel (unless the host memory is pageable, whose
        /// copies return only once staged), CUDA events around each batch, the median of the timed batches, the energy
        /// over exactly those batches, then the data check and the theoretical figure.
        /// </summary>
        internal BandwidthResult Measure(BandwidthRun run, BandwidthMeasurement m)
        {
            string test = run.Test.Id;
            BandwidthRequest request = run.Request;
            PortStream stream = run.Stream.Stream;
            Action<PortStream> forward = m.Forward;
            Action<PortStream>? backward = m.Backward;
            bool gated = run.Test.Buffers.HostMemory != HostMemory.Pageable;
            ulong countedBytes = run.Bytes * (ulong)m.CountedBuffers, trafficBytes = run.Bytes * (ulong)m.TrafficBuffers;
            CancellationToken cancel = run.Cancel;
            Action<BandwidthProgress> progress = run.Progress;
            var start = new List<IDisposable>();
            try
            {
                OwnedStream? second = backward == null ? null : Own(start, new OwnedStream(_port));
                // Events rather than a BatchTimer: the gate must open between recording the end and waiting for it.
                GpuEvent begin = Own(start, GpuEvent.Create(_port));
                GpuEvent end = Own(start, GpuEvent.Create(_port));
                GpuEvent? endSecond = second == null ? null : Own(start, GpuEvent.Create(_port));

                double Batch(int count)
                {
                    if (gated) _gate.Close(stream);
                    begin.Record(stream);
                    if (second != null) _port.Wait(second.Stream, begin.Handle);
                    try
                    {
                        for (int i = 0; i < count; i++)
                        {
                            forward(stream);
                            if (backward != null && second != null) backward(second.Stream);
                        }

                        end.Record(stream);
                        if (endSecond != null && second != null) endSecond.Record(second.Stream);
                    }
                    finally
                    {
                        // Always open the gate, also when queueing failed, so the GPU never waits out the timeout.
                        if (gated) _gate.Open();
                    }

                    end.Synchronize();
                    endSecond?.Synchronize();
                    if (gated && _gate.TimedOut) throw new BandwidthTimingException(test, Device.Index);
                    double ms = end.Since(begin);
                    if (endSecond != null) ms = Math.Max(ms, endSecond.Since(begin));
                    return ms / count;
                }

                // One operation outside any batch first: kernels load lazily at their first launch, and a load
                // must not happen while the spin kernel holds the stream.
                progress(new BandwidthProgress($"{test}: warming up", 0, request.Iterations));
                forward(stream);
                if (backward != null && second != null) backward(second.Stream);
                run.Stream.Synchronize();
                second?.Synchronize();

                int perBatch = TimedBatches.OperationsPerBatch(Batch(1), request.BatchMilliseconds, request.MaxOperationsPerBatch);
                TimedBatches.WarmUp(Batch, perBatch, request.Warmup, cancel);

                // The energy window is exactly the timed batches: each batch ends synchronized, so the GPUs are idle at both ends.
                List<double> times;
                EnergyMeasurement energy;
                CudaDevice[] charged = run.PeerSession == null ? new[] { Device } : new[] { Device, run.PeerSession.Device };
                using (EnergyBracket bracket = _machine.StartEnergy(charged))
                {
                    times = TimedBatches.Measure(Batch, perBatch, request.Iterations, cancel,
                        i => progress(new BandwidthProgress($"{test}: measuring", i, request.Iterations)));

                    energy = bracket.StopTotal(EnergyMeter.ReadTimeout);
                }

                progress(new BandwidthProgress($"{test}: checking the data", request.Iterations, request.Iterations));
                int samples = m.Verify();
                // Read after the copies: an idle GPU may train its PCIe link down and bring it back up under load.
                Theoretical theoretical = m.Theoretical();

                var batches = new BatchTimes(times);
                double median = batches.Median;
                double spread = Math.Round(batches.SpreadPercent, 2);
                double gbps = countedBytes / (median * 1e-3) / 1e9;
                double traffic = trafficBytes / (median * 1e-3) / 1e9;
                bool linkTest = run.Test.Path != BandwidthPath.Device;
                double measuredAgainstTheory = linkTest ? gbps : traffic;
                var result = new BandwidthResult
                {
                    DeviceIndex = Device.Index,
                    DeviceName = Device.Name,
                    Uuid = Device.Uuid,
                    PeerIndex = run.PeerSession?.Device.Index,
                    Test = test,
                    Engine = m.Engine,
                    Bytes = run.Bytes,
                    GBps = Math.Round(gbps, 2),
                    TrafficGBps = Math.Round(traffic, 2),
                    BytesCounted = m.Counted,
                    TheoreticalGBps = theoretical.GBps is double t ? Math.Round(t, 1) : (double?)null,
                    TheoreticalBasis = theoretical.Basis,
                    PercentOfTheoretical = theoretical.GBps is double th && th > 0
                        ? Math.Round(100 * measuredAgainstTheory / th, 1)
                        : (double?)null,
                    MedianMs = Math.Round(median, 5),
                    FastestBatchMs = Math.Round(batches.Fastest, 5),
                    SlowestBatchMs = Math.Round(batches.Slowest, 5),
                    SpreadPercent = spread,
                    Batches = request.Iterations,
                    OperationsPerBatch = perBatch,
                    Verified = true,
                    VerifiedSamples = samples,
                    Method = string.Format(CultureInfo.InvariantCulture,
                        "{0}; {1}; CUDA events around batches of {2} operation(s){3}; median of {4} batches after {5} warm-up; "
                        + "kernels: {6}; GB/s = 10^9 bytes/s",
                        m.Method, m.Engine, perBatch, gated ? " queued behind a spin kernel (nvbandwidth's method)" : string.Empty,
                        request.Iterations, request.Warmup, _module.Directives),
                    Note = Join(Join(run.Note, theoretical.Note), Unsteady(run.Test.Path, spread)),
                };
                energy.CopyTo(result);
                double moved = (double)countedBytes * perBatch * request.Iterations;
                if (energy.Joules is double joules && joules > 0)
                    result.GBPerJoule = EnergyMeasurement.Significant(moved / joules / 1e9, 4);
                return result;
            }
            finally
            {
                for (int i = start.Count - 1; i >= 0; i--) start[i].Dispose();
            }
        }

        private static string? Join(string? a, string? b) => a == null ? b : b == null ? a : a + " " + b;

        /// <summary>Batches this far apart (percent of the median) mean something else used the path during the test.</summary>
        internal const double UnsteadySpreadPercent = 3;

        // Said in the result, because a figure from a busy machine is not reproducible and the user should know.
        private static string? Unsteady(BandwidthPath path, double spreadPercent)
        {
            if (spreadPercent < UnsteadySpreadPercent) return null;
            string what = path == BandwidthPath.Host ? "the host's memory or the PCIe link"
                : path == BandwidthPath.Peer ? "the GPUs or the link between them"
                : "the GPU";
            return string.Format(CultureInfo.InvariantCulture,
                "Batches varied by {0:0.0}% ({1:0}% or more): something else used {2} during the test. The median is the figure; "
                + "run again on a quiet machine, or with more -Iterations, for a steadier one.",
                spreadPercent, UnsteadySpreadPercent, what);
        }

        // One thread per 16-byte element: ceil(n / 128) blocks. A grid holds up to 2^31 - 1 blocks, 256 Ti
        // elements of 16 bytes, far beyond any GPU's memory, so the cast cannot overflow in practice; say so if it would.
        private void LaunchPerElement(PortFunction function, ulong n, PortStream stream, params KernelArg[] args)
        {
            ulong blocks = (n + ElementThreadsPerBlock - 1) / ElementThreadsPerBlock;
            if (blocks == 0) return;
            if (blocks > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(n), n, "More 16-byte elements than one kernel launch covers.");
            _port.Launch(function, (uint)blocks, ElementThreadsPerBlock, stream, args);
        }

        internal void LaunchWrite(DeviceMemory dst, ulong n, uint seed, PortStream stream) =>
            LaunchPerElement(_module.Write, n, stream, KernelArg.U64(dst.Pointer), KernelArg.U64(n), KernelArg.U32(seed));

        internal void LaunchRead(DeviceMemory src, ulong n, DeviceMemory sums, PortStream stream) =>
            _port.Launch(_module.Read, _strideBlocks, StridedThreadsPerBlock, stream,
                KernelArg.U64(src.Pointer), KernelArg.U64(n), KernelArg.U64(sums.Pointer));

        /// <summary>The one-element-per-thread copy over a grid that covers the buffer.</summary>
        internal void LaunchCopy(DeviceMemory dst, DeviceMemory src, ulong n, PortStream stream) =>
            LaunchPerElement(_module.Copy, n, stream, KernelArg.U64(dst.Pointer), KernelArg.U64(src.Pointer), KernelArg.U64(n));

        /// <summary>One copy, as the pipelined kernel's even warps take it and its odd warps the other half.</summary>
        internal void LaunchPipelinedCopy(ulong dst, ulong src, ulong n, PortStream stream)
        {
            ulong first = n / 2;
            LaunchPipelinedCopies(dst, src, first, dst + first * 16, src + first * 16, n - first, stream);
        }

        /// <summary>
        /// Two copies of <paramref name="n"/> elements in one launch of the pipelined grid-stride kernel (eight loads in
        /// flight a thread): even warps copy the first, odd warps the second, on every SM.
        /// </summary>
        internal void LaunchPipelinedCopies(
            DeviceMemory dstA, DeviceMemory srcA, DeviceMemory dstB, DeviceMemory srcB, ulong n, PortStream stream) =>
            LaunchPipelinedCopies(dstA.Pointer, srcA.Pointer, n, dstB.Pointer, srcB.Pointer, n, stream);

        private void LaunchPipelinedCopies(ulong dstA, ulong srcA, ulong nA, ulong dstB, ulong srcB, ulong nB, PortStream stream) =>
            _port.Launch(_module.CopyStrided, _pipelinedCopyBlocks, PipelinedCopyThreadsPerBlock, stream,
                KernelArg.U64(dstA), KernelArg.U64(srcA), KernelArg.U64(nA), KernelArg.U64(dstB), KernelArg.U64(srcB), KernelArg.U64(nB));

        internal void LaunchTriad(DeviceMemory a, DeviceMemory b, DeviceMemory c, ulong n, uint scalar, PortStream stream) =>
            LaunchPerElement(_module.Triad, n, stream,
                KernelArg.U64(a.Pointer), KernelArg.U64(b.Pointer), KernelArg.U64(c.Pointer), KernelArg.U64(n), KernelArg.U32(scalar));

        /// <summary>The elements checked: the first, the last and <see cref="BandwidthRequest.VerifySamples"/> random others.</summary>
        private static IEnumerable<ulong> SampledElements(ulong n, BandwidthRequest request) =>
            SampledWords.Elements(n, request.VerifySamples, request.Seed + 99);

        internal int VerifyDevice(string test, DeviceMemory buffer, ulong n, BandwidthRequest request, Func<ulong, uint> expected) =>
            Checked(test, SampledWords.OnDevice(_port, buffer.Pointer, SampledElements(n, request), expected));

        internal int VerifyHost(string test, HostBuffer buffer, ulong n, BandwidthRequest request, Func<ulong, uint> expected) =>
            Checked(test, SampledWords.OnHost(buffer.Pointer, SampledElements(n, request), expected));

        private int Checked(string test, WordCheck check)
        {
            if (!check.Passed)
            {
                throw new BandwidthVerificationException(test, Device.Index,
                    string.Format(CultureInfo.InvariantCulture,
                        "32-bit word {0:N0} is 0x{1:X8}, expected 0x{2:X8}; {3:N0} wrong word(s) in {4:N0} sampled element(s)",
                        check.FirstWrongWord, check.FirstActual, check.FirstExpected, check.WrongWords, check.Elements));
            }

            return check.Elements;
        }

        // The read kernel leaves one XOR per block; together they must give the XOR of every word of the buffer.
        internal int VerifyRead(string test, DeviceMemory sums, ulong n, uint seed)
        {
            var perBlock = new uint[_strideBlocks];
            fixed (uint* p = perBlock) _port.CopyToHostNow((IntPtr)p, sums.Pointer, sums.Bytes);
            uint all = 0;
            foreach (uint x in perBlock) all ^= x;
            uint expected = BandwidthPattern.Xor(n * 4, seed);
            if (all != expected)
            {
                throw new BandwidthVerificationException(test, Device.Index, string.Format(CultureInfo.InvariantCulture,
                    "the blocks' XOR of the {0:N0} bytes read is 0x{1:X8}, expected 0x{2:X8}", n * 16, all, expected));
            }
            return (int)_strideBlocks;
        }
    }
}
