/** `npm run bench`: runs every benchmark, rowboot and its baseline in the same run, and prints ratios. */
console.log('no benchmarks yet');
