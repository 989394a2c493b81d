// -m ah --ahspi: the SPI of an IPsec AH header (xt_ah), its bytes 4 to 7.
import { spiMatch } from '../spi';

export const ah = spiMatch('ah', 51, 4, 12, 'AH');
export type { SpiOptions as AhOptions } from '../spi';
