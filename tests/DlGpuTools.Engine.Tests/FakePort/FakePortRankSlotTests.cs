using System;
using System.Runtime.InteropServices;
using DlGpuTools.Collectives;
using DlGpuTools.GpuWork.Port;
using Xunit;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>A collective rank's slot over the managed fake: what it holds lives in the primary lease and goes with it.</summary>
    public class FakePortRankSlotTests
    {
        [Fact]
        public void A_slot_opened_and_allocated_gives_back_its_stream_events_buffers_and_context()
        {
            var gpu = new ManagedFakeGpu(devices: 2);
            using (var slot = new RankSlot(gpu, rank: 1, device: 1))
            {
                slot.Open();
                slot.Allocate(4096, 8192);
                Assert.Equal(1, gpu.LiveContexts);
                Assert.Equal(2, gpu.LiveAllocations);
                Assert.Equal(1, gpu.LiveStreams);
                Assert.Equal(2, gpu.LiveEvents);
                Assert.Equal(4096UL, slot.SendBytes);
                Assert.Equal(8192UL, slot.ReceiveBytes);
            }

            Assert.Equal(0, gpu.LiveContexts);
            Assert.Equal(0, gpu.LiveAllocations);
            Assert.Equal(0, gpu.LiveStreams);
            Assert.Equal(0, gpu.LiveEvents);
        }

        [Fact]
        public void In_place_allocates_the_receive_buffer_alone()
        {
            var gpu = new ManagedFakeGpu();
            using var slot = new RankSlot(gpu, 0, 0);
            slot.Open();
            slot.Allocate(0, 1024);
            Assert.Equal(0UL, slot.Send);
            Assert.NotEqual(0UL, slot.Receive);
            Assert.Equal(1, gpu.LiveAllocations);
        }

        [Fact]
        public void Idle_answers_false_until_the_queued_work_is_done_and_the_data_is_there()
        {
            var gpu = new ManagedFakeGpu();
            IntPtr host = Marshal.AllocHGlobal(64);
            try
            {
                using var slot = new RankSlot(gpu, 0, 0);
                slot.Open();
                slot.Allocate(0, 64);
                Marshal.WriteInt32(host, 0);
                using (slot.Enter())
                {
                    gpu.Fill(slot.Receive, 0x5A, 64, slot.Stream);
                    gpu.CopyToHost(host, slot.Receive, 64, slot.Stream);
                }

                int polls = 0;
                while (!slot.Idle()) polls++;
                Assert.Equal(2, polls);
                Assert.Equal(0x5A5A5A5A, Marshal.ReadInt32(host));
            }
            finally
            {
                Marshal.FreeHGlobal(host);
            }
        }

        [Fact]
        public void A_slot_is_usable_only_while_open_and_its_calls_need_the_context_entered()
        {
            var gpu = new ManagedFakeGpu();
            var slot = new RankSlot(gpu, 0, 0);
            Assert.Throws<InvalidOperationException>(() => slot.Enter());
            slot.Open();
            // The port's calls run in the context the thread entered; outside the slot's scope there is none.
            Assert.Throws<DlGpuTools.Interop.CudaException>(() => gpu.Idle(slot.Stream));
            slot.Dispose();
            slot.Dispose();
            Assert.Equal(0, gpu.LiveContexts);
            Assert.Throws<InvalidOperationException>(() => slot.Idle());
        }

        [Fact]
        public void A_primary_lease_of_a_device_that_does_not_exist_is_refused()
        {
            var gpu = new ManagedFakeGpu();
            Assert.Throws<DlGpuTools.Interop.CudaException>(() => gpu.LeasePrimary(1));
            IPortLease lease = gpu.LeasePrimary(0);
            lease.Dispose();
            Assert.Equal(0, gpu.LiveContexts);
        }
    }
}
