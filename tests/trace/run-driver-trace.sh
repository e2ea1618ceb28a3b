#!/usr/bin/env bash
# Runs the GPU scenarios of one build of the module against the fake libraries with the call trace on
# (FAKECUDA_TRACE, see tests/fakes/fake_common.h), one fresh process per scenario, and writes <scenario>.trace
# and <scenario>.out (what the command wrote) under the output folder. Run from a checkout that has the local
# dotnet tools (dotnet pwsh); compare two builds' folders with tests/trace/normalize-trace.sh and diff.
#   tests/trace/run-driver-trace.sh <module folder with DlGpuTools.psd1> <fakes folder> <output folder> [scenario...]
set -u
module=$(realpath "$1"); fakes=$(realpath "$2"); out=$3; shift 3
mkdir -p "$out"; out=$(realpath "$out")
bandwidth_one='device_read_sm device_write_sm device_local_copy_sm device_local_copy device_triad_sm host_to_device_memcpy_ce
device_to_host_memcpy_ce host_to_device_bidirectional_memcpy_ce host_to_device_memcpy_ce_pageable device_to_host_memcpy_ce_pageable
host_to_device_memcpy_sm device_to_host_memcpy_sm'
bandwidth_two='device_to_device_memcpy_write_ce device_to_device_memcpy_read_ce device_to_device_memcpy_read_sm
device_to_device_bidirectional_memcpy_write_ce device_to_device_bidirectional_memcpy_sm'
declare -A cmd
for t in $bandwidth_one; do cmd[bw-$t]="Measure-GpuBandwidth -Index 0 -Test $t -Size 1MB -Iterations 3 -Warmup 1"; done
for t in $bandwidth_two; do cmd[bw-$t]="Measure-GpuBandwidth -Index 0,1 -Test $t -Size 1MB -Iterations 3 -Warmup 1"; done
for p in FP32 BF16 FP8; do cmd[matmul-$p]="Measure-GpuMatMul -Index 0 -DataType $p -Size 256 -Iterations 3 -Warmup 1"; done
cmd[health-quick]='Test-GpuHealth -Level Quick -XidWatchSeconds 0'
cmd[health-standard]='Test-GpuHealth -Level Standard -Duration 2 -MatrixSize 64 -XidWatchSeconds 0'
cmd[cudnn]='Test-CuDnnInstall'
cmd[collective]='Measure-GpuCollective -Operation AllReduce,AllGather,ReduceScatter,Broadcast,Reduce,AllToAll,SendRecv'
cmd[collective]+=' -MinBytes 64 -MaxBytes 128 -Iterations 2 -Warmup 1 -Batches 2'
cmd[speedup]='Measure-GpuSpeedup -DataType FP32,BF16 -Size 64 -NoMlpShape -Iterations 2 -Index 0'
# Settings a scenario needs besides the trace: the health check's 400 MiB copies must be real memory to be checked.
declare -A extra
extra[health-standard]='FAKECUDA_REAL_LIMIT_MB=512'
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(printf '%s\n' "${!cmd[@]}" | sort))
for name in "${names[@]}"; do
    rm -f "$out/$name.trace"
    # Every event interval reads 200 ms, so batch sizes that adapt to the timings come out the same in every run (and small:
    # the fake cuBLASLt multiplies on the CPU).
    printf 'FAKECUDA_TRACE=%s\nFAKECUDA_EVENT_MS=200\n%s\n' "$out/$name.trace" "${extra[$name]:-}" > "$fakes/fake-gpu.conf"
    DLGPUTOOLS_CUDA_DRIVER_PATH=$fakes/libfakecuda.so.1 DLGPUTOOLS_NVML_PATH=$fakes/libfakenvml.so.1 \
    DLGPUTOOLS_CUDART_PATH=$fakes/libcudart.so.13 DLGPUTOOLS_CUBLAS_PATH=$fakes/libcublas.so.13 \
    DLGPUTOOLS_CUDNN_PATH=$fakes/cudnn/libcudnn.so.9 DLGPUTOOLS_NCCL_PATH=$fakes/libnccl.so.2 \
    DLGPUTOOLS_CUBLASLT_PATH=$fakes/libfakecublasLt.so.13 DLGPUTOOLS_BLAS_PATH=$fakes/blas/openblas \
        dotnet pwsh -NoProfile -Command "Import-Module '$module/DlGpuTools.psd1'; ${cmd[$name]} | Format-List | Out-String -Width 200" \
        > "$out/$name.out" 2>&1
    echo "$name: exit $?, $(wc -l < "$out/$name.trace" 2>/dev/null || echo 0) trace lines"
done
rm -f "$fakes/fake-gpu.conf"
