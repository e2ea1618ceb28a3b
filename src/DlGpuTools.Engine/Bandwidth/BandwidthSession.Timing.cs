using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.GpuWork;
using DlGpuTools.Interop;
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
            CudaStream stream = run.Stream;
            Action<IntPtr> forward = m.Forward;
            Action<IntPtr>? backward = m.Backward;
            bool gated = run.Test.Buffers.HostMemory != HostMemory.Pageable;
            ulong countedBytes = run.Bytes * (ulong)m.CountedBuffers, trafficBytes = run.Bytes * (ulong)m.TrafficBuffers;
            CancellationToken cancel = run.Cancel;
            Action<BandwidthProgress> progress = run.Progress;
            var start = new List<IDisposable>();
            try
            {
                CudaStream? second = backward == null ? null : Own(start, CudaStream.Create(_driver));
                GpuEvent begin = Own(start, GpuEvent.Create(_driver));
                GpuEvent end = Own(start, GpuEvent.Create(_driver));
                GpuEvent? endSecond = second == null ? null : Own(start, GpuEvent.Create(_driver));

                double Batch(int count)
                {
                    if (gated) _gate.Close(stream.Handle);
                    begin.Record(stream.Handle);
                    if (second != null) _driver.ThrowIfFailed(_driver.cuStreamWaitEvent(second.Handle, begin.Handle));
                    try
                    {
                        for (int i = 0; i < count; i++)
                        {
                            forward(stream.Handle);
                            if (backward != null && second != null) backward(second.Handle);
                        }

                        end.Record(stream.Handle);
                        if (endSecond != null && second != null) endSecond.Record(second.Handle);
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
                forward(stream.Handle);
                if (backward != null && second != null) backward(second.Handle);
                stream.Synchronize();
                second?.Synchronize();

                int perBatch = TimedBatches.OperationsPerBatch(Batch(1), request.BatchMilliseconds, request.MaxOperationsPerBatch);
                TimedBatches.WarmUp(Batch, perBatch, request.Warmup, cancel);

                // The energy window is exactly the timed batches: each batch ends synchronized, so the GPUs are idle at both ends.
                List<double> times;
                EnergyMeasurement energy;
                CudaDevice[] charged = run.PeerSession == null ? new[] { Device } : new[] { Device, run.PeerSession.Device };
                using (EnergyBracket bracket = EnergyMeter.Start(_runtime, charged))
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
        private void LaunchPerElement(IntPtr function, ulong n, IntPtr stream, IntPtr* args)
        {
            ulong blocks = (n + ElementThreadsPerBlock - 1) / ElementThreadsPerBlock;
            if (blocks == 0) return;
            if (blocks > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(n), n, "More 16-byte elements than one kernel launch covers.");
            _driver.ThrowIfFailed(_driver.cuLaunchKernel(function, (uint)blocks, ElementThreadsPerBlock, 0, stream, args));
        }

        internal void LaunchWrite(DeviceBuffer dst, ulong n, uint seed, IntPtr stream)
        {
            ulong p = dst.DevicePointer;
            IntPtr* args = stackalloc IntPtr[3];
            args[0] = (IntPtr)(&p);
            args[1] = (IntPtr)(&n);
            args[2] = (IntPtr)(&seed);
            LaunchPerElement(_module.Write, n, stream, args);
        }

        internal void LaunchRead(DeviceBuffer src, ulong n, DeviceBuffer sums, IntPtr stream)
        {
            ulong p = src.DevicePointer, o = sums.DevicePointer;
            IntPtr* args = stackalloc IntPtr[3];
            args[0] = (IntPtr)(&p);
            args[1] = (IntPtr)(&n);
            args[2] = (IntPtr)(&o);
            _driver.ThrowIfFailed(_driver.cuLaunchKernel(_module.Read, _strideBlocks, StridedThreadsPerBlock, 0, stream, args));
        }

        /// <summary>The one-element-per-thread copy over a grid that covers the buffer.</summary>
        internal void LaunchCopy(DeviceBuffer dst, DeviceBuffer src, ulong n, IntPtr stream)
        {
            ulong d = dst.DevicePointer, s = src.DevicePointer;
            IntPtr* args = stackalloc IntPtr[3];
            args[0] = (IntPtr)(&d);
            args[1] = (IntPtr)(&s);
            args[2] = (IntPtr)(&n);
            LaunchPerElement(_module.Copy, n, stream, args);
        }

        /// <summary>One copy, as the pipelined kernel's even warps take it and its odd warps the other half.</summary>
        internal void LaunchPipelinedCopy(ulong dst, ulong src, ulong n, IntPtr stream)
        {
            ulong first = n / 2;
            LaunchPipelinedCopies(dst, src, first, dst + first * 16, src + first * 16, n - first, stream);
        }

        /// <summary>
        /// Two copies of <paramref name="n"/> elements in one launch of the pipelined grid-stride kernel (eight loads in
        /// flight a thread): even warps copy the first, odd warps the second, on every SM.
        /// </summary>
        internal void LaunchPipelinedCopies(
            DeviceBuffer dstA, DeviceBuffer srcA, DeviceBuffer dstB, DeviceBuffer srcB, ulong n, IntPtr stream) =>
            LaunchPipelinedCopies(dstA.DevicePointer, srcA.DevicePointer, n, dstB.DevicePointer, srcB.DevicePointer, n, stream);

        private void LaunchPipelinedCopies(ulong dstA, ulong srcA, ulong nA, ulong dstB, ulong srcB, ulong nB, IntPtr stream)
        {
            IntPtr* args = stackalloc IntPtr[6];
            args[0] = (IntPtr)(&dstA);
            args[1] = (IntPtr)(&srcA);
            args[2] = (IntPtr)(&nA);
            args[3] = (IntPtr)(&dstB);
            args[4] = (IntPtr)(&srcB);
            args[5] = (IntPtr)(&nB);
            _driver.ThrowIfFailed(
                _driver.cuLaunchKernel(_module.CopyStrided, _pipelinedCopyBlocks, PipelinedCopyThreadsPerBlock, 0, stream, args));
        }

        internal void LaunchTriad(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, ulong n, uint scalar, IntPtr stream)
        {
            ulong pa = a.DevicePointer, pb = b.DevicePointer, pc = c.DevicePointer;
            IntPtr* args = stackalloc IntPtr[5];
            args[0] = (IntPtr)(&pa);
            args[1] = (IntPtr)(&pb);
            args[2] = (IntPtr)(&pc);
            args[3] = (IntPtr)(&n);
            args[4] = (IntPtr)(&scalar);
            LaunchPerElement(_module.Triad, n, stream, args);
        }

        /// <summary>The elements checked: the first, the last and <see cref="BandwidthRequest.VerifySamples"/> random others.</summary>
        private static IEnumerable<ulong> SampledElements(ulong n, BandwidthRequest request) =>
            SampledWords.Elements(n, request.VerifySamples, request.Seed + 99);

        internal int VerifyDevice(string test, DeviceBuffer buffer, ulong n, BandwidthRequest request, Func<ulong, uint> expected) =>
            Checked(test, SampledWords.OnDevice(_port, buffer.DevicePointer, SampledElements(n, request), expected));

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
        internal int VerifyRead(string test, DeviceBuffer sums, ulong n, uint seed)
        {
            var perBlock = new uint[_strideBlocks];
            fixed (uint* p = perBlock) _driver.ThrowIfFailed(_driver.cuMemcpyDtoH((IntPtr)p, sums.DevicePointer, sums.Bytes));
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
