// The collector's URL is given at build time (the test starts one first).
export default { env: { COLLECTOR: process.env.COLLECTOR || '/collect' } }
