/** Token counting with cl100k_base (GPT-3.5, GPT-4), off the page's main thread. */
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { serve } from './tokens-serve';

serve(self, countTokens);
